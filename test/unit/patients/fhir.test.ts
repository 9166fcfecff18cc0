/**
 * The FHIR view's pure parts: the Patient mapping both ways, OperationOutcome errors naming elements, search
 * parameter parsing into criteria, and that every resource they build is valid FHIR R4 (@medplum/core).
 */
import { expectValidFhir } from '../../support/fhir-validation';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from '../../../functions/commons/errors';
import { matchesCriteria } from '../../../functions/patients/domain/criteria';
import { PatientError, emailTaken, gone } from '../../../functions/patients/domain/errors';
import { newPatient, toPublic, type PatientRecord } from '../../../functions/patients/domain/patient';
import { historyBundle, searchBundle } from '../../../functions/patients/fhir/bundles';
import { capabilityStatement } from '../../../functions/patients/fhir/capability-statement';
import { baseUrl, outcomeResponse, strongIfMatch } from '../../../functions/patients/fhir/fhir-routes';
import { FhirError } from '../../../functions/patients/fhir/outcome';
import { fhirPatientInput, toFhirPatient } from '../../../functions/patients/fhir/patient-resource';
import { parseDateCondition, parsePatientSearch } from '../../../functions/patients/fhir/search-parameters';
import type { Patient, PatientInput } from '../../../functions/patients/schemas';

const input: PatientInput = {
  firstName: 'Peter',
  lastName: 'Chalmers',
  email: 'Peter.C@example.org',
  dateOfBirth: '1974-12-25',
  address: { street: '534 Erewhon St', city: 'PleasantVille', state: 'VT', zipCode: '05401' },
  phoneNumber: '+1 555-0100',
  gender: 'male',
};
const record: PatientRecord = {
  ...newPatient(input, '7703f2ef-a110-424f-8c12-07295d665576', new Date('2026-03-01T10:00:00.000Z')),
  version: 3,
};
const patient: Patient = toPublic(record);
const BASE = 'https://api.example.org/fhir/R4';

/** The FhirError a call throws (fails the test when it throws nothing). */
function fhirErrorOf(fn: () => unknown): FhirError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FhirError) return error;
    throw error;
  }
  throw new Error('expected a FhirError');
}

const resource = () => toFhirPatient(patient) as unknown as Record<string, unknown>;

describe('Patient mapping', () => {
  it("maps the record to the contract's Patient, valid FHIR R4", () => {
    expect(toFhirPatient(patient)).toEqual({
      resourceType: 'Patient',
      id: patient.id,
      meta: { versionId: '3', lastUpdated: '2026-03-01T10:00:00.000Z' },
      name: [{ family: 'Chalmers', given: ['Peter'] }],
      telecom: [
        { system: 'email', value: 'Peter.C@example.org' },
        { system: 'phone', value: '+1 555-0100' },
      ],
      gender: 'male',
      birthDate: '1974-12-25',
      address: [{ line: ['534 Erewhon St'], city: 'PleasantVille', state: 'VT', postalCode: '05401' }],
    });
    expectValidFhir(toFhirPatient(patient));
  });

  it('round-trips every field the record keeps, with and without the optional ones', () => {
    expect(fhirPatientInput(toFhirPatient(patient))).toEqual(input);
    const { phoneNumber: _phone, gender: _gender, ...required } = input;
    const bare = toPublic({ ...record, ...required, phoneNumber: undefined, gender: undefined });
    expect(toFhirPatient(bare).telecom).toEqual([{ system: 'email', value: input.email }]);
    expect(toFhirPatient(bare)).not.toHaveProperty('gender');
    expectValidFhir(toFhirPatient(bare));
    expect(fhirPatientInput(toFhirPatient(bare))).toEqual(required);
  });

  it('reads what clients commonly add and the record need not keep: use, rank, meta, text, several given names', () => {
    const body = {
      ...resource(),
      meta: { versionId: '9', profile: ['http://example.org/p'] },
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
      name: [{ use: 'official', family: 'Chalmers', given: ['Peter', 'James'] }],
      telecom: [
        { system: 'phone', value: '+1 555-0100', use: 'home', rank: 2 },
        { system: 'email', value: 'Peter.C@example.org', use: 'work' },
      ],
      address: [{ use: 'home', line: ['534 Erewhon St'], city: 'PleasantVille', state: 'VT', postalCode: '05401' }],
    };
    expect(fhirPatientInput(body)).toEqual({ ...input, firstName: 'Peter James' });
  });

  it.each(
    [
      ['a JSON array', [], 400, 'Patient'],
      ['another resourceType', { ...resource(), resourceType: 'Observation' }, 400, 'Patient.resourceType'],
      ['no resourceType', { name: [] }, 400, 'Patient.resourceType'],
      ['an unknown element', { ...resource(), favouriteColour: 'blue' }, 400, 'Patient.favouriteColour'],
      ['a choice type', { ...resource(), deceasedBoolean: false }, 400, 'Patient.deceasedBoolean'],
      ['a choice type without its type', { ...resource(), deceased: false }, 400, 'Patient.deceased'],
      ['an extension', { ...resource(), extension: [{ url: 'http://x', valueString: 'y' }] }, 400, 'Patient.extension'],
      ['a modifier extension', { ...resource(), modifierExtension: [] }, 400, 'Patient.modifierExtension'],
      ["a primitive's extension", { ...resource(), _birthDate: { extension: [] } }, 400, 'Patient._birthDate'],
      [
        'an element of the name the record cannot keep',
        { ...resource(), name: [{ family: 'X', given: ['Y'], prefix: ['Dr'] }] },
        400,
        'Patient.name[0].prefix',
      ],
      [
        'an extension inside the address',
        { ...resource(), address: [{ ...(resource().address as object[])[0], extension: [] }] },
        400,
        'Patient.address[0].extension',
      ],
      [
        'two names',
        {
          ...resource(),
          name: [
            { family: 'A', given: ['B'] },
            { family: 'C', given: ['D'] },
          ],
        },
        400,
        'Patient.name[1]',
      ],
      ['a name that is no array', { ...resource(), name: { family: 'A' } }, 400, 'Patient.name'],
      [
        'a given name that is no string',
        { ...resource(), name: [{ family: 'A', given: [7] }] },
        400,
        'Patient.name[0].given[0]',
      ],
      [
        'a fax number',
        { ...resource(), telecom: [...(resource().telecom as object[]), { system: 'fax', value: '1' }] },
        400,
        'Patient.telecom[2].system',
      ],
      [
        'two emails',
        {
          ...resource(),
          telecom: [
            { system: 'email', value: 'a@b.org' },
            { system: 'email', value: 'c@d.org' },
          ],
        },
        400,
        'Patient.telecom[1]',
      ],
      [
        'two address lines',
        { ...resource(), address: [{ line: ['1', '2'], city: 'c', state: 's', postalCode: 'p' }] },
        400,
        'Patient.address[0].line[1]',
      ],
      ['a birthDate that is no string', { ...resource(), birthDate: 19741225 }, 400, 'Patient.birthDate'],
      ['no email', { ...resource(), telecom: [{ system: 'phone', value: '+1 555-0100' }] }, 422, 'Patient.telecom'],
      [
        'an invalid email',
        { ...resource(), telecom: [{ system: 'email', value: 'not-an-email' }] },
        422,
        'Patient.telecom[0].value',
      ],
      [
        'an invalid phone',
        {
          ...resource(),
          telecom: [
            { system: 'email', value: 'a@b.org' },
            { system: 'phone', value: 'x' },
          ],
        },
        422,
        'Patient.telecom[1].value',
      ],
      ['no family name', { ...resource(), name: [{ given: ['Y'] }] }, 422, 'Patient.name[0].family'],
      ['no name', { ...resource(), name: undefined }, 422, 'Patient.name'],
      ['a partial birth date', { ...resource(), birthDate: '1974-12' }, 422, 'Patient.birthDate'],
      ['a birth date in the future', { ...resource(), birthDate: '2999-01-01' }, 422, 'Patient.birthDate'],
      ['an unknown gender', { ...resource(), gender: 'robot' }, 422, 'Patient.gender'],
      [
        'no postal code',
        { ...resource(), address: [{ line: ['1 A St'], city: 'c', state: 's' }] },
        422,
        'Patient.address[0].postalCode',
      ],
      [
        'an empty city',
        { ...resource(), address: [{ line: ['1 A St'], city: ' ', state: 's', postalCode: 'p' }] },
        422,
        'Patient.address[0].city',
      ],
      ['no address', { ...resource(), address: undefined }, 422, 'Patient.address'],
    ].map(([what, body, status, expression]) => ({ what, body, status, expression })),
  )('refuses $what with $status naming $expression', ({ body, status, expression }) => {
    const error = fhirErrorOf(() => fhirPatientInput(body));
    expect(error.status).toBe(status);
    expect(error.issues.map((i) => i.expression)).toContain(expression);
  });
});

describe('OperationOutcome', () => {
  const event = { resource: '/fhir/R4/Patient/{id}', httpMethod: 'GET' };
  const answer = (error: unknown) => {
    const response = outcomeResponse(error, event);
    const body = JSON.parse(response.body);
    expectValidFhir(body);
    expect(response.headers?.['Content-Type']).toBe('application/fhir+json; charset=utf-8');
    return { status: response.statusCode, body, headers: response.headers };
  };

  it('carries the element in expression, with the status of the error', () => {
    const { status, body } = answer(fhirErrorOf(() => fhirPatientInput({ ...resource(), birthDate: '1974-02-30' })));
    expect(status).toBe(422);
    expect(body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'value', diagnostics: expect.any(String), expression: ['Patient.birthDate'] }],
    });
  });

  it.each([
    [gone(), 410, 'deleted'],
    [new PatientError('NOT_FOUND', 'No such patient'), 404, 'not-found'],
    [emailTaken(), 409, 'duplicate'],
    [new PatientError('VERSION_MISMATCH', 'stale'), 412, 'conflict'],
    [new PatientError('FORBIDDEN', 'no'), 403, 'forbidden'],
    [new PatientError('INVALID_QUERY', 'bad', [{ field: 'cursor', message: 'Not a cursor' }]), 400, 'invalid'],
    [new HttpError(413, 'too large'), 413, 'too-costly'],
    [new HttpError(400, 'The request body is not valid JSON'), 400, 'invalid'],
    [new Error('boom'), 500, 'exception'],
    [Object.assign(new Error('slow'), { name: 'TimeoutError' }), 503, 'transient'],
  ])('answers %p with %d (%s)', (error, status, code) => {
    const { status: answered, body } = answer(error);
    expect(answered).toBe(status);
    expect(body.issue[0].code).toBe(code);
    if (status === 500) expect(body.issue[0].diagnostics).not.toContain('boom');
    if (status === 409) expect(body.issue[0].expression).toEqual(['Patient.telecom']);
  });
});

describe('Bundles and the CapabilityStatement', () => {
  it('builds a valid searchset with match entries, self and next', () => {
    const bundle = searchBundle(
      { patients: [patient], nextCursor: 'abc' },
      BASE,
      new URLSearchParams('family=chal&_count=1'),
      undefined,
    );
    expectValidFhir(bundle);
    expect(bundle.link).toEqual([
      { relation: 'self', url: `${BASE}/Patient?family=chal&_count=1` },
      { relation: 'next', url: `${BASE}/Patient?family=chal&_count=1&_cursor=abc` },
    ]);
    expect(bundle.entry).toEqual([
      { fullUrl: `${BASE}/Patient/${patient.id}`, resource: toFhirPatient(patient), search: { mode: 'match' } },
    ]);
    const last = searchBundle({ patients: [], nextCursor: null }, BASE, new URLSearchParams(), 'abc');
    expectValidFhir(last);
    expect(last.link).toEqual([{ relation: 'self', url: `${BASE}/Patient?_cursor=abc` }]);
  });

  it('builds a valid history with every version newest first', () => {
    const versions = [
      { ...patient, version: 2, lastName: 'Later' },
      { ...patient, version: 1 },
    ];
    const bundle = historyBundle(versions, BASE, patient.id);
    expectValidFhir(bundle);
    expect(bundle.total).toBe(2);
    expect(bundle.entry?.map((e) => [e.resource?.meta?.versionId, e.request?.method, e.response?.etag])).toEqual([
      ['2', 'PUT', 'W/"2"'],
      ['1', 'POST', 'W/"1"'],
    ]);
  });

  it('states FHIR 4.0.1, JSON and the Patient interactions and search parameters', () => {
    const statement = capabilityStatement();
    expectValidFhir(statement);
    expect(statement.fhirVersion).toBe('4.0.1');
    expect(statement.format).toContain('json');
    const patientResource = statement.rest?.[0]?.resource?.[0];
    expect(patientResource?.interaction?.map((i) => i.code).sort()).toEqual([
      'create',
      'delete',
      'history-instance',
      'read',
      'search-type',
      'update',
      'vread',
    ]);
    expect(patientResource?.searchParam?.map((p) => p.name)).toEqual([
      '_id',
      'name',
      'family',
      'given',
      'email',
      'birthdate',
      'gender',
      'address-state',
    ]);
  });
});

describe('search parameters', () => {
  const parse = (query: string) => {
    const values: Record<string, string[]> = {};
    for (const [k, v] of new URLSearchParams(query)) (values[k] ??= []).push(v);
    return parsePatientSearch(values);
  };
  const refusal = (query: string) => fhirErrorOf(() => parse(query));

  it('turns every parameter into criteria, AND-combined; empty values are ignored', () => {
    const search = parse(
      'name=Pe&family=CHAL&given=pet&email=PETER.C@example.org&birthdate=ge1970&birthdate=lt1980-01&gender=male,other&address-state=vt&_id=x&_count=5&_format=json&given=',
    );
    expect(search).toEqual({
      limit: 5,
      email: 'peter.c@example.org',
      state: 'VT',
      id: 'x',
      genders: ['male', 'other'],
      prefixes: [
        { prefix: 'pe', fields: ['first', 'last'] },
        { prefix: 'chal', fields: ['last'] },
        { prefix: 'pet', fields: ['first'] },
      ],
      birthDate: [
        { comparator: 'ge', from: '1970-01-01', to: '1970-12-31' },
        { comparator: 'lt', from: '1980-01-01', to: '1980-01-31' },
      ],
      scope: expect.any(String),
    });
    expect(parse('').limit).toBe(20);
  });

  it('binds a cursor to the criteria, not to the page size or the cursor itself', () => {
    expect(parse('family=a&_count=3&_cursor=x').scope).toBe(parse('family=a').scope);
    expect(parse('family=a').scope).not.toBe(parse('family=b').scope);
    expect(parse('family=a').scope).not.toBe(parse('given=a').scope);
  });

  it('reads birth dates as the period they name', () => {
    expect(parseDateCondition('1980')).toEqual({ comparator: 'eq', from: '1980-01-01', to: '1980-12-31' });
    expect(parseDateCondition('le2024-02')).toEqual({ comparator: 'le', from: '2024-02-01', to: '2024-02-29' });
    expect(parseDateCondition('gt1980-05-17')).toEqual({ comparator: 'gt', from: '1980-05-17', to: '1980-05-17' });
  });

  it.each([
    'foo=1',
    'name:exact=Pe',
    '_sort=name',
    '_include=Patient:organization',
    'birthdate=ne1980',
    'birthdate=ap1980',
    'birthdate=1980-02-30',
    'birthdate=1980-13',
    'birthdate=yesterday',
    'gender=robot',
    '_count=0',
    '_count=101',
    '_count=ten',
    '_id=a&_id=b',
    'name=a,b',
    `family=${'x'.repeat(300)}`,
    'address-state=a&address-state=b',
  ])('refuses %s with 400', (query) => {
    expect(refusal(query).status).toBe(400);
  });

  it('matches records by each criterion', () => {
    const c = (query: string) => matchesCriteria(record, parse(query));
    expect(c('name=pet')).toBe(true);
    expect(c('name=chal')).toBe(true);
    expect(c('name=peter.c')).toBe(false); // name is no email
    expect(c('family=pet')).toBe(false);
    expect(c('given=pet&family=ch')).toBe(true);
    expect(c('email=peter.c@EXAMPLE.org')).toBe(true);
    expect(c('email=peter.c@example')).toBe(false);
    expect(c('birthdate=1974')).toBe(true);
    expect(c('birthdate=1974-12-25')).toBe(true);
    expect(c('birthdate=lt1974-12-25')).toBe(false);
    expect(c('birthdate=le1974-12-25')).toBe(true);
    expect(c('birthdate=gt1974-11')).toBe(true);
    expect(c('birthdate=gt1974')).toBe(false);
    expect(c('birthdate=ge1974&birthdate=lt1975')).toBe(true);
    expect(c('gender=female')).toBe(false);
    expect(c('gender=female,male')).toBe(true);
    expect(c('address-state=vt')).toBe(true);
    expect(c('address-state=v')).toBe(false);
    expect(c(`_id=${record.id}`)).toBe(true);
  });
});

describe('HTTP details', () => {
  it("turns FHIR's weak ETags into the versions the use cases compare", () => {
    expect(strongIfMatch('W/"3"')).toBe('"3"');
    expect(strongIfMatch('W/"3", "4"')).toBe('"3", "4"');
    expect(strongIfMatch('*')).toBe('*');
    expect(strongIfMatch(undefined)).toBeUndefined();
  });

  it('builds absolute links as the client reached the API', () => {
    const event = (headers: Record<string, string>, domainName: string) =>
      ({ headers, requestContext: { domainName, stage: 'prod' } }) as unknown as APIGatewayProxyEvent;
    expect(baseUrl(event({ Host: '127.0.0.1:4000' }, '127.0.0.1:4000'))).toBe('http://127.0.0.1:4000/fhir/R4');
    const aws = 'abc123.execute-api.eu-west-1.amazonaws.com';
    expect(baseUrl(event({ Host: aws, 'X-Forwarded-Proto': 'https' }, aws))).toBe(`https://${aws}/prod/fhir/R4`);
    expect(baseUrl(event({ host: 'app.example.org', 'X-Forwarded-Proto': 'https' }, 'app.example.org'))).toBe(
      'https://app.example.org/fhir/R4',
    );
    expect(baseUrl(event({ Host: 'evil/"><script>' }, 'api.example.org'))).toBe('https://api.example.org/fhir/R4');
  });
});
