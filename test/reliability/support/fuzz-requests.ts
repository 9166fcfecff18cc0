/**
 * Malformed requests, drawn from a seeded PRNG across every route of system/routes.ts:
 * random bytes, wrong types per field, huge and deeply nested JSON, unicode edge cases, injection strings
 * in ids and query parameters, wrong content types, missing and duplicated headers.
 */
import { routes, type RouteDefinition } from '../../../system/routes';
import type { RawRequest } from './http';
import type { Random } from './prng';

export interface Tokens {
  /** A valid access token of the demo admin; never revoked during the run. */
  valid: string;
  /** Valid tokens that a fuzzed logout may revoke (taken one per valid logout, then none left). */
  expendable: string[];
}

const INJECTIONS = [
  "' OR '1'='1",
  '" OR ""="',
  '1; DROP TABLE patients; --',
  '{"$ne":null}',
  '{"$gt":""}',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '%ff%fe',
  '\\u0000',
  'PATIENT#x',
  'EMAIL#testuser@test.com',
  '*',
  '?',
  '#',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '__proto__',
  'constructor',
  'a'.repeat(5000),
  '%',
  '%%',
  '%E0%A4%A',
  '\r\nX-Injected: 1',
];

const UNICODE = [
  '\u0000',
  '\u202e',
  '\u200b\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀'.repeat(50),
  'Z\u0351\u0352\u0353',
  '\u0301',
  '\uffff',
  '\ufffd',
  'ｔｅｓｔ',
  'İstanbul',
  'ß'.repeat(30),
  '\u0085',
  '\u2028\u2029',
  'e\u0301',
  '\x7f',
  '\t\n\r',
];

const WRONG_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -0,
  '',
  ' ',
  [],
  [1, 2],
  {},
  { a: 1 },
  'x'.repeat(300),
  '2024-13-45',
  '0000-00-00',
  '1899-12-31',
  '9999-12-31',
  'not-an-email',
  '@',
  'a@',
  '@b',
  'a@b',
  '12',
  '+'.repeat(20),
  Number.MAX_SAFE_INTEGER,
];

/** Near misses for the audit filters (patientId, actorId, action, from, to): right shape, wrong value, or the edges. */
const AUDIT_FILTER_VALUES = [
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '9999-12-31',
  '2026-01-01T25:00:00Z',
  '2026-01-01T00:00:00+99:00',
  '2026-01-01T00:00:00.123456789Z',
  '+275760-09-13T00:00:00Z',
  'READ',
  'read',
  'AUDIT_READ',
  'EXPORT',
  '00000000-0000-4000-8000-000000000000',
  'ACTOR#x',
  '~',
];

/** Near misses for the FHIR search parameters: prefixes, partial and impossible dates, OR lists, modifiers' values. */
const FHIR_SEARCH_VALUES = [
  'ge1980',
  'lt1980-05',
  'ne2000',
  'ap1980-01-01',
  'eq1980-02-30',
  '1980-13',
  '19800101',
  'male,female',
  'male,',
  'robot',
  ',',
  'json',
  'xml',
  'application/fhir+xml',
  'ca',
  'a,b',
  '\\,',
];
/** FHIR elements: kept, other Patient elements, choice types, extensions and unknown ones. */
const FHIR_FIELDS = [
  'resourceType',
  'id',
  'meta',
  'name',
  'telecom',
  'birthDate',
  'gender',
  'address',
  'extension',
  'deceasedBoolean',
  'deceased',
  '_birthDate',
  'identifier',
];
const PATIENT_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'dateOfBirth',
  'address',
  'phoneNumber',
  'gender',
  'registeredDate',
];
const ADDRESS_FIELDS = ['street', 'city', 'state', 'zipCode'];
const TRANSACTION_FIELDS = ['type', 'amount', 'currency', 'description', 'serviceDate'];
const AUTH_FIELDS = ['email', 'password', 'role', 'refreshToken', 'code', 'currentPassword', 'newPassword'];

function validPatient(random: Random): Record<string, unknown> {
  const n = random.int(1e9);
  return {
    firstName: 'Fuzz',
    lastName: `Case${n}`,
    email: `fuzz${n}@example.test`,
    dateOfBirth: '1980-02-29',
    address: { street: '1 Main St', city: 'Springfield', state: 'CA', zipCode: '12345' },
    phoneNumber: '+1 555-0100',
    gender: 'other',
  };
}

function validFhirPatient(random: Random): Record<string, unknown> {
  const n = random.int(1e9);
  return {
    resourceType: 'Patient',
    name: [{ family: `Case${n}`, given: ['Fuzz'] }],
    telecom: [{ system: 'email', value: `fuzz${n}@example.test` }],
    birthDate: '1980-02-29',
    gender: 'other',
    address: [{ line: ['1 Main St'], city: 'Springfield', state: 'CA', postalCode: '12345' }],
  };
}

function validBody(route: RouteDefinition, random: Random): Record<string, unknown> {
  if (route.requestSchema === 'PatientInput') return validPatient(random);
  if (route.requestSchema === 'FhirPatient') return validFhirPatient(random);
  if (route.requestSchema === 'TransactionInput')
    return {
      type: random.pick(['CHARGE', 'PAYMENT', 'REFUND']),
      amount: 1 + random.int(1e8),
      description: 'Fuzz',
      serviceDate: '2024-02-29',
    };
  if (route.requestSchema === 'RefreshRequest') {
    // Each shape the parser tells apart: a bare secret, one naming a login and user, and overgrown ids.
    const secret = random.bytes(32).toString('base64url');
    const uuid = () =>
      random
        .bytes(16)
        .toString('hex')
        .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    return {
      refreshToken: random.pick([secret, `${uuid()}.${uuid()}.${secret}`, `${'f'.repeat(3000)}.${uuid()}.${secret}`]),
    };
  }
  if (route.requestSchema === 'VerifyEmailRequest')
    return { email: `fuzz${random.int(1e9)}@example.test`, code: String(random.int(1e6)).padStart(6, '0') };
  if (route.requestSchema === 'VerificationCodeRequest') return { email: `fuzz${random.int(1e9)}@example.test` };
  if (route.requestSchema === 'SignupRequest')
    return {
      email: `fuzz${random.int(1e9)}@example.test`,
      password: 'fuzz-password-1',
      role: random.pick(['patient', 'clinician', 'admin']),
    };
  return {
    email: `fuzz${random.int(1e9)}@example.test`,
    password: random.pick(['x', 'password123', 'wrong-password']),
  };
}

function fieldsOf(route: RouteDefinition): string[] {
  if (route.requestSchema === 'TransactionInput') return TRANSACTION_FIELDS;
  if (route.requestSchema === 'FhirPatient') return FHIR_FIELDS;
  return route.requestSchema === 'PatientInput' ? PATIENT_FIELDS : AUTH_FIELDS;
}

/** Percent-encodes the UTF-8 bytes (encodeURIComponent throws on a lone surrogate). */
function pct(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

function nested(depth: number, asArray: boolean): string {
  return asArray ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function fuzzString(random: Random): string {
  switch (random.int(4)) {
    case 0:
      return random.pick(INJECTIONS);
    case 1:
      return random.pick(UNICODE);
    case 2:
      return random.pick(INJECTIONS) + random.pick(UNICODE);
    default:
      return random.bytes(1 + random.int(40)).toString('latin1');
  }
}

/** A body that is wrong in one of many ways. */
function fuzzBody(route: RouteDefinition, random: Random): { body: Buffer | string; kind: string } {
  const valid = validBody(route, random);
  switch (random.int(12)) {
    case 0:
      return { body: random.bytes(1 + random.int(2048)), kind: 'random bytes' };
    case 1:
      return { body: JSON.stringify(valid).slice(0, 1 + random.int(40)), kind: 'truncated JSON' };
    case 2:
      return {
        body: JSON.stringify(random.pick([[], 1, 'text', null, true, [valid]])),
        kind: 'JSON of the wrong type',
      };
    case 3: {
      const field = random.pick(fieldsOf(route));
      return {
        body: JSON.stringify({ ...valid, [field]: random.pick(WRONG_VALUES) }),
        kind: `wrong type for ${field}`,
      };
    }
    case 4: {
      const field = random.pick(ADDRESS_FIELDS);
      const address = random.chance(0.5)
        ? { ...(valid.address as object), [field]: random.pick(WRONG_VALUES) }
        : random.pick(WRONG_VALUES);
      return { body: JSON.stringify({ ...valid, address }), kind: `wrong address.${field}` };
    }
    case 5:
      return {
        body: JSON.stringify({ ...valid, padding: 'x'.repeat(65 * 1024 + random.int(200_000)) }),
        kind: 'huge JSON',
      };
    case 6:
      return { body: nested(1000 + random.int(20_000), random.chance(0.5)), kind: 'deeply nested JSON' };
    case 7: {
      const field = random.pick(fieldsOf(route));
      return {
        body: JSON.stringify({ ...valid, [field]: random.pick(UNICODE).repeat(1 + random.int(3)) }),
        kind: `unicode in ${field}`,
      };
    }
    case 8: {
      const field = random.pick(fieldsOf(route));
      return { body: JSON.stringify({ ...valid, [field]: random.pick(INJECTIONS) }), kind: `injection in ${field}` };
    }
    case 9:
      return {
        body: JSON.stringify({
          ...valid,
          [random.pick(['__proto__', 'isAdmin', 'role', 'id', 'version', 'billingStatus', 'x'])]: { polluted: true },
        }),
        kind: 'unknown field',
      };
    case 10: {
      const copy: Record<string, unknown> = { ...valid };
      delete copy[random.pick(Object.keys(copy))];
      return { body: JSON.stringify(copy), kind: 'missing field' };
    }
    default:
      return { body: `${JSON.stringify(valid).slice(0, -1)},"a":1,"a":2}`.replace('{,', '{'), kind: 'duplicate keys' };
  }
}

function fuzzId(random: Random): string {
  switch (random.int(5)) {
    case 0:
      return '00000000-0000-4000-8000-000000000000';
    case 1:
      return pct(random.pick(INJECTIONS));
    case 2:
      return pct(random.pick(UNICODE));
    case 3:
      return random.pick([
        '..',
        '.',
        '%2e%2e',
        '%2F',
        'a%2Fb',
        '%00',
        '%',
        '%zz',
        'x'.repeat(2000),
        '',
        ';',
        '%20',
        '%ED%A0%80',
        '%C0%AF',
        '%F4%90%80%80',
      ]);
    default:
      return pct(fuzzString(random));
  }
}

function fuzzQuery(route: RouteDefinition, random: Random): string {
  const names = [
    ...(route.query ?? []).map((q) => q.name),
    'limit',
    'cursor',
    'search',
    'state',
    'x',
    '__proto__',
    'name:exact',
    '_sort',
    '_format',
  ];
  const parts: string[] = [];
  for (let i = 0, n = 1 + random.int(4); i < n; i++) {
    const name = random.pick(names);
    const value = random.pick([
      '-1',
      '0',
      '101',
      '1e3',
      '1.5',
      'abc',
      '',
      '9'.repeat(30),
      'null',
      ...AUDIT_FILTER_VALUES,
      ...FHIR_SEARCH_VALUES,
    ]);
    const text = random.chance(0.5) ? value : fuzzString(random);
    // Unencoded text is sent as far as HTTP lets a client send it (printable ASCII only).
    parts.push(
      `${random.chance(0.1) ? pct(fuzzString(random)) : name}=${random.chance(0.1) ? text.replace(/[^\x21-\x7e]/g, (c) => pct(c)) : pct(text)}`,
    );
  }
  if (random.chance(0.1)) parts.push(parts[0]!); // duplicated parameter
  return parts.join('&');
}

function authorization(
  random: Random,
  tokens: Tokens,
  route: RouteDefinition,
  valid: boolean,
): string | string[] | undefined {
  if (valid) {
    // A valid logout revokes its token: it gets an expendable one, or none once they are used up.
    if (route.path.endsWith('/logout')) {
      const token = tokens.expendable.pop();
      return token ? `Bearer ${token}` : undefined;
    }
    return random.chance(0.05) ? [`Bearer ${tokens.valid}`, `Bearer ${tokens.valid}`] : `Bearer ${tokens.valid}`;
  }
  const [header, payload] = tokens.valid.split('.');
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
  const hmac = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${payload}.${random.bytes(32).toString('base64url')}`;
  return random.pick([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    `bearer ${fuzzString(random).replace(/[^\x20-\x7e]/g, '')}`,
    `Basic ${Buffer.from('a:b').toString('base64')}`,
    `Bearer ${none}`,
    `Bearer ${hmac}`,
    `Bearer ${header}.${payload}.AAAA`,
    `Bearer ${tokens.valid.slice(0, -3)}`,
    `Bearer ${'a'.repeat(4000)}`,
    [`Bearer ${tokens.valid}`, 'Bearer garbage'],
    `Token ${tokens.valid}`,
  ]);
}

const CONTENT_TYPES: (string | string[] | undefined)[] = [
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/xml',
  'application/json',
  'application/json',
  'garbage',
  ['application/json', 'text/plain'],
  'application/problem+json',
  '*/*',
  'application/fhir+json',
  'application/fhir+xml',
];

export interface FuzzCase {
  request: RawRequest;
  description: string;
}

export function fuzzCase(random: Random, tokens: Tokens): FuzzCase {
  const route = random.pick(routes);
  const validToken = random.chance(0.5);
  let path = route.path.replace(/\{\w+\}/g, () => fuzzId(random));
  const query = route.query || random.chance(0.3) ? fuzzQuery(route, random) : '';
  if (query) path += `?${query}`;
  if (!path.startsWith('/')) path = `/${path}`;
  const method = random.chance(0.07)
    ? random.pick(['PATCH', 'OPTIONS', 'HEAD', 'PUT', 'DELETE', 'POST', 'GET', 'TRACE'])
    : route.method;
  const headers: Record<string, string | string[]> = {};
  const auth = authorization(random, tokens, route, validToken);
  if (auth !== undefined) headers.authorization = auth;
  let body: Buffer | string | undefined;
  let kind = 'no body';
  if (route.requestSchema || random.chance(0.2)) {
    ({ body, kind } = fuzzBody(route, random));
    const type = random.chance(0.6) ? 'application/json' : random.pick(CONTENT_TYPES);
    if (type !== undefined) headers['content-type'] = type;
  }
  if (route.headers?.length && random.chance(0.5)) {
    for (const h of route.headers)
      headers[h.name.toLowerCase()] = random.chance(0.2)
        ? ['1', '2']
        : fuzzString(random)
            .replace(/[^\x20-\x7e]/g, '?')
            .slice(0, 300);
  }
  if (random.chance(0.05)) headers['x-forwarded-for'] = fuzzString(random).replace(/[^\x20-\x7e]/g, '?');
  const description = `${method} ${path.slice(0, 120)} [${kind}; token ${validToken ? 'valid' : 'invalid'}; content-type ${JSON.stringify(headers['content-type'] ?? null)}]`;
  return { request: { method, path, headers, body }, description };
}
