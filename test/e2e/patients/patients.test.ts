/**
 * The Patients part of the contract over HTTP, through the local gateway and authorizer with real tokens:
 * statuses, headers, role matrix, races, pagination, search, idempotency, billing.
 */
import { loginDemoAdmin, patientInput, request, userWithRole } from '../../support/http';

let adminToken: string;
let clinician: { email: string; token: string };
let patientUser: { email: string; token: string };

beforeAll(async () => {
  adminToken = await loginDemoAdmin();
  clinician = await userWithRole('clinician', adminToken);
  patientUser = await userWithRole('patient', adminToken);
});

const create = (body: unknown, token = adminToken, headers: Record<string, string> = {}) =>
  request('POST', '/api/patients', { token, body, headers });

async function created(overrides: Record<string, unknown> = {}) {
  const response = await create(patientInput(overrides));
  expect(response.status).toBe(201);
  return response;
}

describe('authentication', () => {
  it.each([
    ['GET', '/api/patients'],
    ['POST', '/api/patients'],
    ['GET', '/api/patients/00000000-0000-4000-8000-000000000000'],
    ['PUT', '/api/patients/00000000-0000-4000-8000-000000000000'],
    ['DELETE', '/api/patients/00000000-0000-4000-8000-000000000000'],
  ])('%s %s without a token answers 401 problem+json', async (method, path) => {
    const response = await request(method, path, method === 'POST' || method === 'PUT' ? { body: patientInput() } : {});
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('CRUD', () => {
  it('creates (201, Location, ETag), reads (200, ETag), updates (200, new ETag) and soft-deletes (204) a patient', async () => {
    const input = patientInput();
    const post = await create(input);
    expect(post.status).toBe(201);
    const patient = post.body;
    expect(patient).toMatchObject({ ...input, version: 1, billingStatus: expect.stringMatching(/^(ACTIVE|PENDING)$/) });
    expect(post.headers.get('location')).toBe(`/api/patients/${patient.id}`);
    expect(post.headers.get('etag')).toBe('"1"');

    const get = await request('GET', `/api/patients/${patient.id}`, { token: clinician.token });
    expect(get.status).toBe(200);
    expect(get.headers.get('etag')).toBe('"1"');

    const put = await request('PUT', `/api/patients/${patient.id}`, {
      token: adminToken,
      body: { ...input, lastName: 'Renamed' },
      headers: { 'If-Match': '"1"' },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe('"2"');
    expect(put.body).toMatchObject({ lastName: 'Renamed', version: 2, registeredDate: patient.registeredDate });

    const stale = await request('PUT', `/api/patients/${patient.id}`, {
      token: adminToken,
      body: input,
      headers: { 'If-Match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');

    expect((await request('DELETE', `/api/patients/${patient.id}`, { token: adminToken })).status).toBe(204);
    expect((await request('GET', `/api/patients/${patient.id}`, { token: adminToken })).status).toBe(404);
    expect((await request('DELETE', `/api/patients/${patient.id}`, { token: adminToken })).status).toBe(404);
    expect((await create(input)).status).toBe(201); // the email is free again
  });

  it('opens the billing account: the patient reads ACTIVE with its billingAccountId', async () => {
    const { body } = await created();
    let patient = body;
    for (let i = 0; i < 50 && patient.billingStatus !== 'ACTIVE'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      patient = (await request('GET', `/api/patients/${body.id}`, { token: adminToken })).body;
    }
    expect(patient.billingStatus).toBe('ACTIVE');
    expect(typeof patient.billingAccountId).toBe('string');
  });

  it('validates: unknown field, bad values and malformed JSON → 400 with errors; duplicate email → 409', async () => {
    const unknown = await create(patientInput({ nickname: 'x' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'nickname', message: expect.any(String) }]);
    const bad = await create(patientInput({ dateOfBirth: '2999-01-01', phoneNumber: 'abc' }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['dateOfBirth', 'phoneNumber']);
    expect((await request('POST', '/api/patients', { token: adminToken, raw: '{"firstName":' })).status).toBe(400);
    const { body } = await created();
    expect((await create(patientInput({ email: body.email.toUpperCase() }))).status).toBe(409);
  });
});

describe('races', () => {
  it('20 parallel creates with one email: exactly one 201, the others 409', async () => {
    const email = `race.${Date.now()}@e2e.test`;
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => create(patientInput({ email }))))).map(
      (r) => r.status,
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it('10 parallel PUTs with one If-Match: exactly one 200, the others 412', async () => {
    const { body } = await created();
    const statuses = (
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          request('PUT', `/api/patients/${body.id}`, {
            token: adminToken,
            body: patientInput({ email: body.email, firstName: `P${i}` }),
            headers: { 'If-Match': '"1"' },
          }),
        ),
      )
    ).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(9);
  });
});

describe('list', () => {
  const tag = `e${Date.now().toString(36)}`;
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await created({
            firstName: `${tag}Ann${i}`,
            lastName: `${tag}Surname`,
            email: `${tag}.${i}@e2e.test`,
            address: { street: '1', city: 'X', state: i % 2 ? 'NV' : 'UT', zipCode: '1' },
          })
        ).body.id,
      );
    }
  });

  it('pages with an opaque cursor, without duplicates, to nextCursor null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=2&search=${tag}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await request('GET', `/api/patients?${query}`, { token: clinician.token });
      expect(page.status).toBe(200);
      expect(page.body.patients.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.patients.map((p: { id: string }) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('searches first name, last name and email prefixes case-insensitively, and filters by state', async () => {
    const idsOf = async (query: string) =>
      (await request('GET', `/api/patients?limit=100&${query}`, { token: adminToken })).body.patients
        .map((p: { id: string }) => p.id)
        .sort();
    expect(await idsOf(`search=${tag.toUpperCase()}ANN1`)).toEqual([ids[1]]);
    expect(await idsOf(`search=${tag}SUR`)).toEqual([...ids].sort());
    expect(await idsOf(`search=${tag}.3%40`)).toEqual([ids[3]]);
    expect(await idsOf(`search=${tag}&state=nv`)).toEqual([ids[1], ids[3]].sort());
  });

  it('refuses a bad limit and a forged cursor with 400', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=x',
      'cursor=forged',
      `cursor=${Buffer.from('{"pk":"PATIENT#1"}').toString('base64url')}`,
    ]) {
      const response = await request('GET', `/api/patients?${query}`, { token: adminToken });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

describe('role matrix', () => {
  it('clinician: everything but DELETE (403)', async () => {
    const post = await create(patientInput(), clinician.token);
    expect(post.status).toBe(201);
    expect(
      (
        await request('PUT', `/api/patients/${post.body.id}`, {
          token: clinician.token,
          body: patientInput({ email: post.body.email }),
        })
      ).status,
    ).toBe(200);
    expect((await request('GET', '/api/patients', { token: clinician.token })).status).toBe(200);
    expect((await request('DELETE', `/api/patients/${post.body.id}`, { token: clinician.token })).status).toBe(403);
  });

  it('patient: sees only the record with their email; others 404; writes 403', async () => {
    const own = (await created({ email: patientUser.email })).body;
    const other = (await created()).body;
    const list = await request('GET', '/api/patients', { token: patientUser.token });
    expect(list.status).toBe(200);
    expect(list.body.patients.map((p: { id: string }) => p.id)).toEqual([own.id]);
    expect((await request('GET', `/api/patients/${own.id}`, { token: patientUser.token })).status).toBe(200);
    expect((await request('GET', `/api/patients/${other.id}`, { token: patientUser.token })).status).toBe(404);
    expect((await create(patientInput(), patientUser.token)).status).toBe(403);
    expect(
      (
        await request('PUT', `/api/patients/${own.id}`, {
          token: patientUser.token,
          body: patientInput({ email: own.email }),
        })
      ).status,
    ).toBe(403);
    expect((await request('DELETE', `/api/patients/${own.id}`, { token: patientUser.token })).status).toBe(403);
  });
});

describe('Idempotency-Key', () => {
  it('same key and body → the first response again; another body → 422', async () => {
    const body = patientInput();
    const headers = { 'Idempotency-Key': `e2e-${Date.now()}` };
    const first = await create(body, adminToken, headers);
    expect(first.status).toBe(201);
    const again = await create(body, adminToken, headers);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    const other = await create({ ...body, firstName: 'Other' }, adminToken, headers);
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
  });

  it('never replays a patient deleted since: 409, and the record stays unreadable', async () => {
    const body = patientInput();
    const headers = { 'Idempotency-Key': `e2e-deleted-${Date.now()}` };
    const first = await create(body, adminToken, headers);
    expect((await request('DELETE', `/api/patients/${first.body.id}`, { token: adminToken })).status).toBe(204);
    const replay = await create(body, adminToken, headers);
    expect([replay.status, replay.headers.get('content-type')]).toEqual([409, 'application/problem+json']);
    expect(JSON.stringify(replay.body)).not.toContain(body.email as string);
  });
});

describe('DELETE with If-Match', () => {
  it('a stale tag → 412 and nothing is deleted; the current one deletes; a weak tag never matches', async () => {
    const patient = (await created()).body;
    expect(
      (
        await request('PUT', `/api/patients/${patient.id}`, {
          token: adminToken,
          body: patientInput({ email: patient.email }),
        })
      ).status,
    ).toBe(200);
    const stale = await request('DELETE', `/api/patients/${patient.id}`, {
      token: adminToken,
      headers: { 'If-Match': '"1"' },
    });
    expect([stale.status, stale.headers.get('content-type')]).toEqual([412, 'application/problem+json']);
    expect(
      (await request('DELETE', `/api/patients/${patient.id}`, { token: adminToken, headers: { 'If-Match': 'W/"2"' } }))
        .status,
    ).toBe(412);
    expect((await request('GET', `/api/patients/${patient.id}`, { token: adminToken })).status).toBe(200);
    expect(
      (await request('DELETE', `/api/patients/${patient.id}`, { token: adminToken, headers: { 'If-Match': '"2"' } }))
        .status,
    ).toBe(204);
    expect((await request('GET', `/api/patients/${patient.id}`, { token: adminToken })).status).toBe(404);
  });
});
