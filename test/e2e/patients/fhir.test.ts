/**
 * The FHIR R4 view over HTTP against `npm start`, driven by a real FHIR client (fhir-kit-client), with every
 * resource returned validated against the FHIR R4 specification (@medplum/core): one record in both views,
 * versions, search paging, OperationOutcome errors naming elements, roles, billing, events and the audit trail.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import protobuf from 'protobufjs';
import { Client, RESPONSE_KEY, type FhirResource, type FhirResponse } from 'fhir-kit-client';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { expectValidFhir, loadFhirDefinitions } from '../../support/fhir-validation';
import { base, login, patientInput, request, userWithRole } from '../../support/http';

let adminToken: string;
let admin: Client;
let clinician: Client;

const fhirBase = () => `${base()}/fhir/R4`;
const clientWith = (token?: string) => new Client({ baseUrl: fhirBase(), ...(token ? { bearerToken: token } : {}) });
const headerOf = (resource: unknown, name: string) =>
  (resource as FhirResponse)[RESPONSE_KEY]?.headers.get(name) ?? null;

/** A FHIR Patient with a unique email; `family` lets a test find its own records. */
function fhirPatient(overrides: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient',
    name: [{ family: 'Fhirtester', given: ['Flo'] }],
    telecom: [
      { system: 'email', value: `flo.${randomUUID().slice(0, 12)}@fhir.test` },
      { system: 'phone', value: '+1 555-0199' },
    ],
    gender: 'female',
    birthDate: '1984-03-09',
    address: [{ line: ['5 Spec Way'], city: 'Ann Arbor', state: 'MI', postalCode: '48104' }],
    ...overrides,
  };
}

/** The status and (validated) OperationOutcome of a refused call. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; outcome: OperationOutcome }> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (e: { response?: { status: number; data: OperationOutcome } }) => e,
  );
  if (!error.response) throw error as unknown as Error;
  expectValidFhir(error.response.data);
  expect(error.response.data.resourceType).toBe('OperationOutcome');
  return { status: error.response.status, outcome: error.response.data };
}

const expressions = (outcome: OperationOutcome) => outcome.issue.flatMap((i) => i.expression ?? []);

async function create(body: Patient = fhirPatient(), client = admin): Promise<Patient> {
  const created = (await client.create({
    resourceType: 'Patient',
    body: body as unknown as FhirResource,
  })) as unknown as Patient;
  expectValidFhir(created);
  return created;
}

beforeAll(async () => {
  loadFhirDefinitions();
  adminToken = await login('testuser@test.com', 'password123');
  admin = clientWith(adminToken);
  clinician = clientWith((await userWithRole('clinician', adminToken)).token);
});

describe('FHIR R4 /fhir/R4', () => {
  it('serves its CapabilityStatement without a token', async () => {
    const raw = await fetch(`${fhirBase()}/metadata?_format=json`);
    expect(raw.status).toBe(200);
    const statement = await clientWith().capabilityStatement();
    expect(headerOf(statement, 'content-type')).toContain('application/fhir+json');
    expectValidFhir(statement);
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      format: expect.arrayContaining(['json']),
    });
  });

  it('creates, reads and updates one record that REST sees too (billing opened as by REST)', async () => {
    const created = await create();
    expect(created.meta?.versionId).toBe('1');
    expect(headerOf(created, 'etag')).toBe('W/"1"');
    expect(headerOf(created, 'location')).toBe(`${fhirBase()}/Patient/${created.id}/_history/1`);

    const rest = await request('GET', `/api/patients/${created.id}`, { token: adminToken });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({
      firstName: 'Flo',
      lastName: 'Fhirtester',
      email: created.telecom![0]!.value,
      dateOfBirth: '1984-03-09',
      gender: 'female',
      phoneNumber: '+1 555-0199',
      address: { street: '5 Spec Way', city: 'Ann Arbor', state: 'MI', zipCode: '48104' },
      billingStatus: 'ACTIVE',
      version: 1,
    });

    const read = (await clinician.read({ resourceType: 'Patient', id: created.id! })) as unknown as Patient;
    expectValidFhir(read);
    expect(read).toEqual(created);

    const changed = { ...read, name: [{ family: 'Fhirtester', given: ['Florence'] }] };
    const updated = (await clinician.update({
      resourceType: 'Patient',
      id: created.id!,
      body: changed,
      options: { headers: { 'If-Match': 'W/"1"' } },
    })) as unknown as Patient;
    expectValidFhir(updated);
    expect(updated.meta?.versionId).toBe('2');
    expect(headerOf(updated, 'etag')).toBe('W/"2"');
    expect((await request('GET', `/api/patients/${created.id}`, { token: adminToken })).body.firstName).toBe(
      'Florence',
    );

    const stale = await refusal(
      clinician.update({
        resourceType: 'Patient',
        id: created.id!,
        body: changed,
        options: { headers: { 'If-Match': 'W/"1"' } },
      }),
    );
    expect(stale.status).toBe(412);
    const otherId = await refusal(
      clinician.update({ resourceType: 'Patient', id: created.id!, body: { ...changed, id: randomUUID() } }),
    );
    expect(otherId.status).toBe(400);
    expect(expressions(otherId.outcome)).toEqual(['Patient.id']);
  });

  it('reads a record created through REST, with its versions (vread, _history)', async () => {
    const restCreated = (
      await request('POST', '/api/patients', { token: adminToken, body: patientInput({ lastName: 'Viarest' }) })
    ).body;
    const put = await request('PUT', `/api/patients/${restCreated.id}`, {
      token: adminToken,
      body: patientInput({ email: restCreated.email, lastName: 'Viarest2' }),
    });
    expect(put.status).toBe(200);

    const current = (await admin.read({ resourceType: 'Patient', id: restCreated.id })) as unknown as Patient;
    expectValidFhir(current);
    expect(current.name).toEqual([{ family: 'Viarest2', given: ['Edie'] }]);
    const first = (await admin.vread({
      resourceType: 'Patient',
      id: restCreated.id,
      version: '1',
    })) as unknown as Patient;
    expectValidFhir(first);
    expect([first.meta?.versionId, first.name?.[0]?.family]).toEqual(['1', 'Viarest']);
    const history = (await admin.history({
      resourceType: 'Patient',
      id: restCreated.id,
    })) as unknown as Bundle<Patient>;
    expectValidFhir(history);
    expect(history.type).toBe('history');
    expect(history.entry?.map((e) => e.resource?.meta?.versionId)).toEqual(['2', '1']);
    expect((await refusal(admin.vread({ resourceType: 'Patient', id: restCreated.id, version: '3' }))).status).toBe(
      404,
    );
    expect((await refusal(admin.read({ resourceType: 'Patient', id: randomUUID() }))).status).toBe(404);
  });

  it('searches with AND-combined parameters, paged through link next with the same token', async () => {
    const family = `Pager${randomUUID().slice(0, 6)}`;
    const made: Patient[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await create(
          fhirPatient({
            name: [{ family, given: [`G${i}`] }],
            gender: i % 2 ? 'male' : 'female',
            birthDate: `197${i}-06-15`,
          }),
        ),
      );
    }
    const ids: string[] = [];
    let page = (await clinician.search({
      resourceType: 'Patient',
      searchParams: { family: family.toLowerCase(), _count: 2 },
    })) as unknown as Bundle<Patient>;
    for (let pages = 1; ; pages++) {
      expectValidFhir(page);
      expect(page.type).toBe('searchset');
      expect(
        page.entry?.every((e) => e.search?.mode === 'match' && e.fullUrl === `${fhirBase()}/Patient/${e.resource?.id}`),
      ).toBe(true);
      ids.push(...(page.entry ?? []).map((e) => e.resource!.id!));
      const next = clinician.nextPage({ bundle: page as unknown as Parameters<Client['nextPage']>[0]['bundle'] });
      if (!next) break;
      expect(pages).toBeLessThan(5);
      page = (await next) as unknown as Bundle<Patient>;
    }
    expect(ids.sort()).toEqual(made.map((p) => p.id!).sort());

    const combined = (await clinician.search({
      resourceType: 'Patient',
      searchParams: { name: family, gender: 'male', birthdate: 'ge1972-01-01', _format: 'json' },
    })) as unknown as Bundle<Patient>;
    expectValidFhir(combined);
    expect(combined.entry?.map((e) => e.resource?.name?.[0]?.given?.[0])).toEqual(['G3']);
    const byEmail = (await clinician.search({
      resourceType: 'Patient',
      searchParams: { email: made[0]!.telecom![0]!.value!.toUpperCase() },
    })) as unknown as Bundle<Patient>;
    expect(byEmail.entry?.map((e) => e.resource?.id)).toEqual([made[0]!.id]);
    const byId = (await clinician.search({
      resourceType: 'Patient',
      searchParams: { _id: made[1]!.id!, 'address-state': 'mi' },
    })) as unknown as Bundle<Patient>;
    expect(byId.entry?.map((e) => e.resource?.id)).toEqual([made[1]!.id]);

    const unsupported = await refusal(
      clinician.search({ resourceType: 'Patient', searchParams: { organization: 'x' } }),
    );
    expect(unsupported.status).toBe(400);
    expect((await refusal(clinician.search({ resourceType: 'Patient', searchParams: { _count: 500 } }))).status).toBe(
      400,
    );
  });

  it('refuses bad input with 4xx OperationOutcomes naming the element, never a 5xx', async () => {
    const post = async (body: string, contentType = 'application/fhir+json') => {
      const response = await fetch(`${fhirBase()}/Patient`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': contentType },
        body,
      });
      const outcome = (await response.json()) as OperationOutcome;
      expectValidFhir(outcome);
      expect(response.headers.get('content-type')).toContain('application/fhir+json');
      return { status: response.status, expression: expressions(outcome) };
    };
    const valid = fhirPatient() as unknown as Record<string, unknown>;
    expect((await post('{"resourceType": "Patient", ')).status).toBe(400);
    expect(await post(JSON.stringify({ ...valid, resourceType: 'Practitioner' }))).toEqual({
      status: 400,
      expression: ['Patient.resourceType'],
    });
    expect(await post(JSON.stringify({ ...valid, hairColour: 'red' }))).toEqual({
      status: 400,
      expression: ['Patient.hairColour'],
    });
    expect(await post(JSON.stringify({ ...valid, deceasedDateTime: '2020-01-01' }))).toEqual({
      status: 400,
      expression: ['Patient.deceasedDateTime'],
    });
    expect(
      await post(JSON.stringify({ ...valid, extension: [{ url: 'http://example.org/x', valueString: 'y' }] })),
    ).toEqual({ status: 400, expression: ['Patient.extension'] });
    expect(await post(JSON.stringify({ ...valid, birthDate: '1984-02-30' }))).toEqual({
      status: 422,
      expression: ['Patient.birthDate'],
    });
    expect(await post(JSON.stringify({ ...valid, birthDate: undefined }), 'application/json')).toEqual({
      status: 422,
      expression: ['Patient.birthDate'],
    });
    expect((await post('<Patient/>', 'application/fhir+xml')).status).toBe(415);

    const first = await create();
    const duplicate = await refusal(
      admin.create({
        resourceType: 'Patient',
        body: fhirPatient({ telecom: first.telecom }) as unknown as FhirResource,
      }),
    );
    expect(duplicate.status).toBe(409);
  });

  it('applies the roles of /api/patients: a patient finds only their own record; only an admin deletes; deleted → 410', async () => {
    const owner = await userWithRole('patient', adminToken);
    const own = await create(fhirPatient({ telecom: [{ system: 'email', value: owner.email }] }));
    const other = await create();
    const patientClient = clientWith(owner.token);

    const found = (await patientClient.search({ resourceType: 'Patient' })) as unknown as Bundle<Patient>;
    expectValidFhir(found);
    expect(found.entry?.map((e) => e.resource?.id)).toEqual([own.id]);
    expect(
      ((await patientClient.search({ resourceType: 'Patient', searchParams: { _id: other.id! } })) as unknown as Bundle)
        .entry ?? [],
    ).toEqual([]);
    expect((await refusal(patientClient.read({ resourceType: 'Patient', id: other.id! }))).status).toBe(404);
    expect(
      (await refusal(patientClient.create({ resourceType: 'Patient', body: fhirPatient() as unknown as FhirResource })))
        .status,
    ).toBe(403);

    expect((await refusal(clinician.delete({ resourceType: 'Patient', id: other.id! }))).status).toBe(403);
    const deleted = await fetch(`${fhirBase()}/Patient/${other.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(deleted.status).toBe(204);
    const gone = await refusal(admin.read({ resourceType: 'Patient', id: other.id! }));
    expect(gone.status).toBe(410);
    expect(gone.outcome.issue[0]?.code).toBe('deleted');
    // Deleting it again has no effect (204, as FHIR asks); updating it is refused as gone; /api knows no such patient.
    const again = await fetch(`${fhirBase()}/Patient/${other.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(again.status).toBe(204);
    const update = await refusal(
      admin.update({
        resourceType: 'Patient',
        id: other.id!,
        body: { ...other, id: other.id } as unknown as FhirResource,
      }),
    );
    expect([update.status, update.outcome.issue[0]?.code]).toEqual([410, 'deleted']);
    expect((await request('DELETE', `/api/patients/${other.id}`, { token: adminToken })).status).toBe(404);
    const history = (await admin.history({ resourceType: 'Patient', id: other.id! })) as unknown as Bundle;
    expectValidFhir(history);
    expect((await request('GET', `/api/patients/${other.id}`, { token: adminToken })).status).toBe(404);
    expect((await fetch(`${fhirBase()}/Patient/${own.id}`)).status).toBe(401);
  });

  it('audits FHIR reads and writes as the REST ones', async () => {
    const created = await create();
    await clinician.read({ resourceType: 'Patient', id: created.id! });
    await request('GET', `/api/patients/${created.id}`, { token: adminToken });
    await clinician.vread({ resourceType: 'Patient', id: created.id!, version: '1' });
    const trail = await request('GET', `/api/patients/${created.id}/audit?limit=100`, { token: adminToken });
    expect(trail.status).toBe(200);
    expect((trail.body.entries as { action: string }[]).map((e) => e.action).reverse()).toEqual([
      'CREATE',
      'READ',
      'READ',
      'HISTORY',
    ]);
  });

  it('emits the patient events of REST for FHIR writes (create, update, delete)', async () => {
    const Event = protobuf
      .parse(
        `syntax = "proto3"; package patient.events;
      message PatientEvent { string patientId = 1; string name = 2; string email = 3; string event_type = 4; }`,
        { keepCase: true },
      )
      .root.lookupType('patient.events.PatientEvent');
    const consumer = new Kafka({ brokers: [process.env.E2E_KAFKA_BROKERS!], logLevel: logLevel.NOTHING }).consumer({
      groupId: `e2e-fhir-${randomUUID()}`,
      maxWaitTimeInMs: 100,
    });
    const seen: { key: string; event: Record<string, unknown> }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'patient', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push({ key: message.key!.toString(), event: Event.toObject(Event.decode(message.value!)) });
        },
      });
      const created = await create();
      await admin.update({
        resourceType: 'Patient',
        id: created.id!,
        body: { ...created, gender: 'other' } as unknown as FhirResource,
      });
      await admin.delete({ resourceType: 'Patient', id: created.id! });
      const deadline = Date.now() + 10_000;
      while (seen.filter((s) => s.key === created.id).length < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const email = created.telecom![0]!.value;
      expect(seen.filter((s) => s.key === created.id).map((s) => s.event)).toEqual(
        ['PATIENT_CREATED', 'PATIENT_UPDATED', 'PATIENT_DELETED'].map((type) => ({
          patientId: created.id,
          name: 'Flo Fhirtester',
          email,
          event_type: type,
        })),
      );
    } finally {
      await consumer.disconnect();
    }
  });
});
