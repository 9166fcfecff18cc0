/**
 * The patients function against DynamoDB Local, through its real handler with API Gateway events:
 * the whole Patients part of the contract, with the real billing server on a free port
 * (the PENDING path, billing down, is in billing.test.ts).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Patient, PatientPage } from '../../../functions/patients/schemas';
import { admin, clinician, patientUser, validInput, type TestResponse } from './api-events';
import { usePatientsHandler } from './patients-handler';

const { call, tables: tablesOf } = usePatientsHandler();

const create = async (overrides: Record<string, unknown> = {}, caller = admin): Promise<TestResponse> =>
  call({ method: 'POST', body: validInput(overrides), caller });

async function createOk(overrides: Record<string, unknown> = {}) {
  const response = await create(overrides);
  expect(response.status).toBe(201);
  return response.body;
}

/** Audit items of one patient (the table's partition), or of one user (index `actor`), oldest first. */
async function auditRecords(key: `PATIENT#${string}` | `ACTOR#${string}`) {
  const { dynamoClient } = await import('../../../functions/commons/clients/dynamo');
  const byActor = key.startsWith('ACTOR#');
  const { Items } = await dynamoClient().send(
    new QueryCommand({
      TableName: tablesOf().audit,
      ...(byActor ? { IndexName: 'actor' } : { ConsistentRead: true }),
      KeyConditionExpression: `${byActor ? 'actorPk' : 'pk'} = :pk`,
      ExpressionAttributeValues: { ':pk': key },
    }),
  );
  return Items ?? [];
}

describe('create and read', () => {
  it('POST answers 201 with the patient, Location and ETag; GET reads it back with the same ETag', async () => {
    const input = validInput({ firstName: '  Grace ', registeredDate: '2024-05-01' });
    const created = await call({ method: 'POST', body: input });
    expect(created.status).toBe(201);
    const patient = created.body;
    expect(patient).toEqual({
      ...input,
      firstName: 'Grace',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      registeredDate: '2024-05-01',
      billingAccountId: expect.any(String),
      billingStatus: 'ACTIVE',
      version: 1,
      createdAt: expect.any(String),
      updatedAt: patient.createdAt,
    });
    expect(created.headers.location).toBe(`/api/patients/${patient.id}`);
    expect(created.headers.etag).toBe('"1"');
    expect(Object.keys(patient).some((k) => /^(pk|sk|gsi|entity|emailLower|deletedAt)/.test(k))).toBe(false);
    expect(Patient.safeParse(patient).success).toBe(true);

    const read = await call({ method: 'GET', id: patient.id, caller: clinician });
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.body).toEqual(patient);
  });

  it('defaults registeredDate to today (UTC)', async () => {
    const patient = await createOk();
    expect(patient.registeredDate).toBe(new Date().toISOString().slice(0, 10));
  });

  it('answers 400 with an errors list for unknown fields, bad values and malformed JSON', async () => {
    const unknown = await call({ method: 'POST', body: validInput({ ssn: '123' }) });
    expect(unknown.status).toBe(400);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
    expect(unknown.body.errors).toEqual([{ field: 'ssn', message: 'Unknown field' }]);

    const bad = await call({ method: 'POST', body: validInput({ email: 'nope', dateOfBirth: '2001-02-29' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['dateOfBirth', 'email']);
    expect(JSON.stringify(bad.body)).not.toContain('nope');

    const malformed = await call({ method: 'POST', rawBody: '{"firstName":' });
    expect(malformed.status).toBe(400);
    const tooLarge = await call({ method: 'POST', rawBody: JSON.stringify({ pad: 'x'.repeat(70_000) }) });
    expect(tooLarge.status).toBe(413);
  });

  it('answers 404 for an unknown id and for an id that is not a UUID', async () => {
    expect((await call({ method: 'GET', id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    expect((await call({ method: 'GET', id: 'not-a-uuid' })).status).toBe(404);
  });

  it('answers 409 for an email already taken, case-insensitively', async () => {
    const first = await createOk({ email: 'Dup.Case@Example.com' });
    const second = await create({ email: 'dup.case@EXAMPLE.COM' });
    expect(second.status).toBe(409);
    expect(second.headers['content-type']).toBe('application/problem+json');
    expect(first.email).toBe('Dup.Case@Example.com');
  });

  it('of 20 parallel creates with one email, exactly one answers 201 and the others 409', async () => {
    const email = `race.${Date.now()}@example.com`;
    const responses = await Promise.all(Array.from({ length: 20 }, () => create({ email })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });
});

describe('update', () => {
  it('PUT replaces the fields, increments version and ETag, keeps registeredDate and createdAt', async () => {
    const patient = await createOk({ registeredDate: '2024-01-02' });
    const {
      registeredDate: _r,
      phoneNumber: _p,
      ...input
    } = validInput({ firstName: 'Changed', email: patient.email });
    const updated = await call({ method: 'PUT', id: patient.id, body: input, headers: { 'If-Match': '"1"' } });
    expect(updated.status).toBe(200);
    expect(updated.headers.etag).toBe('"2"');
    expect(updated.body).toMatchObject({
      firstName: 'Changed',
      version: 2,
      registeredDate: '2024-01-02',
      createdAt: patient.createdAt,
    });
    expect(updated.body.phoneNumber).toBeUndefined();
    const read = await call({ method: 'GET', id: patient.id });
    expect(read.body).toEqual(updated.body);
  });

  it('a stale If-Match answers 412 and changes nothing', async () => {
    const patient = await createOk();
    expect((await call({ method: 'PUT', id: patient.id, body: validInput({ email: patient.email }) })).status).toBe(
      200,
    );
    const stale = await call({
      method: 'PUT',
      id: patient.id,
      body: validInput({ email: patient.email, firstName: 'Stale' }),
      headers: { 'If-Match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect((await call({ method: 'GET', id: patient.id })).body.version).toBe(2);
  });

  it('of 10 parallel PUTs with one If-Match, exactly one answers 200 and the others 412', async () => {
    const patient = await createOk();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call({
          method: 'PUT',
          id: patient.id,
          body: validInput({ email: patient.email, firstName: `Racer${i}` }),
          headers: { 'If-Match': '"1"' },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(9);
    expect((await call({ method: 'GET', id: patient.id })).body.version).toBe(2);
  });

  it('of 12 parallel PUTs without If-Match, every one answers 200 (last writer wins) and each is a version', async () => {
    const patient = await createOk();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call({ method: 'PUT', id: patient.id, body: validInput({ email: patient.email, firstName: `Racer${i}` }) }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    const versions = responses.map((r) => r.body.version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
    expect((await call({ method: 'GET', id: patient.id })).body.version).toBe(13);
  });

  it('changing the email swaps the uniqueness claim: the old email is free, a taken one answers 409', async () => {
    const a = await createOk();
    const b = await createOk();
    expect((await call({ method: 'PUT', id: a.id, body: validInput({ email: b.email.toUpperCase() }) })).status).toBe(
      409,
    );
    const moved = await call({ method: 'PUT', id: a.id, body: validInput({ email: `moved.${a.email}` }) });
    expect(moved.status).toBe(200);
    expect((await create({ email: a.email })).status).toBe(201);
    expect((await create({ email: `moved.${a.email}` })).status).toBe(409);
  });

  it('answers 404 for an unknown patient and 400 for an invalid body', async () => {
    expect((await call({ method: 'PUT', id: '00000000-0000-4000-8000-000000000000', body: validInput() })).status).toBe(
      404,
    );
    const patient = await createOk();
    expect((await call({ method: 'PUT', id: patient.id, body: { firstName: 'x' } })).status).toBe(400);
  });
});

describe('soft delete', () => {
  it('DELETE answers 204, hides the patient from reads, lists and search, frees the email; a second DELETE answers 404', async () => {
    const patient = await createOk({ firstName: 'Zebedee', state: undefined });
    expect((await call({ method: 'DELETE', id: patient.id })).status).toBe(204);
    expect((await call({ method: 'GET', id: patient.id })).status).toBe(404);
    expect((await call({ method: 'PUT', id: patient.id, body: validInput({ email: patient.email }) })).status).toBe(
      404,
    );
    expect((await call({ method: 'DELETE', id: patient.id })).status).toBe(404);
    const search = await call({ method: 'GET', query: { search: 'zebedee', limit: '100' } });
    expect(search.body.patients.map((p: { id: string }) => p.id)).not.toContain(patient.id);
    expect(await allIds({})).not.toContain(patient.id);
    const again = await create({ email: patient.email });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(patient.id);
  });

  it('a DELETE without If-Match racing PUTs without one answers 204: a lost race is read again, never a 412', async () => {
    for (let round = 0; round < 3; round++) {
      const patient = await createOk();
      const puts = Array.from({ length: 12 }, (_, i) =>
        call({ method: 'PUT', id: patient.id, body: validInput({ email: patient.email, firstName: `Racer${i}` }) }),
      );
      const deleted = await call({ method: 'DELETE', id: patient.id });
      const statuses = (await Promise.all(puts)).map((r) => r.status);
      expect(deleted.status).toBe(204);
      // A PUT that ran after the delete finds no record.
      for (const status of statuses) expect([200, 404]).toContain(status);
      expect((await call({ method: 'GET', id: patient.id })).status).toBe(404);
    }
  });

  it('of 5 parallel DELETEs, one answers 204 and the others 404 (it is gone), never a 412 or 409', async () => {
    const patient = await createOk();
    const statuses = (
      await Promise.all(Array.from({ length: 5 }, () => call({ method: 'DELETE', id: patient.id })))
    ).map((r) => r.status);
    expect(statuses.sort()).toEqual([204, 404, 404, 404, 404]);
  });

  it('DELETE of an unknown id answers 404', async () => {
    expect((await call({ method: 'DELETE', id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });
});

async function allIds(query: Record<string, string>, limit = 7): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const response = await call({
      method: 'GET',
      query: { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) },
    });
    expect(response.status).toBe(200);
    expect(response.body.patients.length).toBeLessThanOrEqual(limit);
    ids.push(...response.body.patients.map((p: { id: string }) => p.id));
    if (response.body.nextCursor === null) return ids;
    cursor = response.body.nextCursor;
  }
  throw new Error('pagination did not end');
}

describe('list, pagination, search and state filter', () => {
  const mine: Array<{ id: string; firstName: string; lastName: string; email: string; address: { state: string } }> =
    [];
  const tag = `q${Date.now().toString(36)}`;

  beforeAll(async () => {
    const states = ['WA', 'OR', 'wa'];
    for (let i = 0; i < 17; i++) {
      mine.push(
        await createOk({
          firstName: `${tag}First${i}`,
          lastName: i % 2 ? `Mc${tag}Last${i}` : `Other${i}`,
          email: `${tag}.mail${i}@example.org`,
          address: { street: '1 St', city: 'C', state: states[i % 3], zipCode: '1' },
        }),
      );
    }
  });

  it('pages through every patient without duplicates or gaps; the last page has nextCursor null', async () => {
    const ids = await allIds({});
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of mine) expect(ids).toContain(p.id);
  });

  it('defaults to 20 per page and refuses a bad limit with 400', async () => {
    const page = await call({ method: 'GET' });
    expect(page.body.patients).toHaveLength(20);
    expect(PatientPage.safeParse(page.body).success).toBe(true);
    expect(typeof page.body.nextCursor).toBe('string');
    for (const limit of ['0', '101', 'abc', '-1', '1.5', '']) {
      const response = await call({ method: 'GET', query: { limit } });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].field).toBe('limit');
    }
    expect((await call({ method: 'GET', query: { limit: '100' } })).status).toBe(200);
    expect((await call({ method: 'GET', query: { limit: '1' } })).body.patients).toHaveLength(1);
  });

  it('refuses a forged, altered or foreign cursor with 400', async () => {
    const page = await call({ method: 'GET', query: { limit: '2' } });
    const cursor: string = page.body.nextCursor;
    // The second-to-last character changed (it carries cipher text, never padding bits only).
    const flipped = cursor.slice(0, -2) + (cursor.at(-2) === 'A' ? 'B' : 'A') + cursor.slice(-1);
    const forged = Buffer.from(JSON.stringify({ pk: 'PATIENT#x', sk: 'PATIENT' })).toString('base64url');
    for (const bad of [flipped, forged, 'garbage!', 'AAAA']) {
      const response = await call({ method: 'GET', query: { cursor: bad } });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].field).toBe('cursor');
    }
    // A cursor of the unfiltered list does not resume a state-filtered one.
    expect((await call({ method: 'GET', query: { cursor, state: 'WA' } })).status).toBe(400);
    expect((await call({ method: 'GET', query: { cursor } })).status).toBe(200);
  });

  it('filters by state, case-insensitively, across pages', async () => {
    const ids = await allIds({ state: 'wa' }, 3);
    const expected = mine.filter((p) => p.address.state.toUpperCase() === 'WA').map((p) => p.id);
    for (const id of expected) expect(ids).toContain(id);
    expect(ids.filter((id) => mine.some((p) => p.id === id && p.address.state === 'OR'))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('searches a prefix of first name, last name and email, case-insensitively, each patient once', async () => {
    const byFirst = await allIds({ search: `${tag}FIRST1` }, 2);
    expect(new Set(byFirst)).toEqual(
      new Set(mine.filter((p) => p.firstName.toLowerCase().startsWith(`${tag}first1`)).map((p) => p.id)),
    );
    expect(byFirst).toHaveLength(8); // First1, First10..16

    const byLast = await allIds({ search: `mc${tag.toUpperCase()}` }, 3);
    expect(new Set(byLast)).toEqual(new Set(mine.filter((_, i) => i % 2).map((p) => p.id)));
    expect(byLast).toHaveLength(8);

    const byEmail = await allIds({ search: `${tag}.MAIL` }, 5);
    expect(new Set(byEmail)).toEqual(new Set(mine.map((p) => p.id)));
    expect(byEmail).toHaveLength(17);

    // The tag prefixes first names and emails of all 17: each patient still appears exactly once.
    const both = await allIds({ search: tag }, 4);
    expect(both).toHaveLength(17);
    expect(new Set(both).size).toBe(17);

    const withState = await allIds({ search: tag, state: 'or' }, 2);
    expect(new Set(withState)).toEqual(new Set(mine.filter((p) => p.address.state === 'OR').map((p) => p.id)));

    expect((await call({ method: 'GET', query: { search: `${tag}zzz` } })).body).toEqual({
      patients: [],
      nextCursor: null,
    });
    for (const odd of ['#', 'a#first', '%', '\u00e9', '😀', ' ', 'x'.repeat(254)]) {
      expect((await call({ method: 'GET', query: { search: odd } })).status).toBe(200);
    }
    expect((await call({ method: 'GET', query: { search: 'x'.repeat(255) } })).status).toBe(400);
  });
});

describe('role matrix', () => {
  it('a clinician may list, read, create and update, but not delete (403)', async () => {
    const created = await create({}, clinician);
    expect(created.status).toBe(201);
    expect(
      (
        await call({
          method: 'PUT',
          id: created.body.id,
          body: validInput({ email: created.body.email }),
          caller: clinician,
        })
      ).status,
    ).toBe(200);
    const del = await call({ method: 'DELETE', id: created.body.id, caller: clinician });
    expect(del.status).toBe(403);
    expect(del.headers['content-type']).toBe('application/problem+json');
    expect((await call({ method: 'GET', id: created.body.id })).status).toBe(200);
  });

  it('a patient sees only their own record: list returns it alone, others read as 404, writes are 403', async () => {
    const own = await createOk({ email: `Own.${Date.now()}@Example.com` });
    const other = await createOk();
    const me = patientUser(own.email.toLowerCase());

    const list = await call({ method: 'GET', caller: me });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ patients: [own], nextCursor: null });
    expect((await call({ method: 'GET', caller: me, query: { search: 'nomatch' } })).body.patients).toEqual([]);

    expect((await call({ method: 'GET', id: own.id, caller: me })).status).toBe(200);
    expect((await call({ method: 'GET', id: other.id, caller: me })).status).toBe(404);

    expect((await call({ method: 'POST', body: validInput(), caller: me })).status).toBe(403);
    expect((await call({ method: 'POST', rawBody: '{bad', caller: me })).status).toBe(403);
    expect((await call({ method: 'PUT', id: own.id, body: validInput({ email: own.email }), caller: me })).status).toBe(
      403,
    );
    expect((await call({ method: 'DELETE', id: own.id, caller: me })).status).toBe(403);

    const stranger = patientUser('nobody@example.com');
    expect((await call({ method: 'GET', caller: stranger })).body).toEqual({ patients: [], nextCursor: null });
  });

  it('a patient whose email is not verified yet sees no record, not even the one with their email', async () => {
    const own = await createOk({ email: `Unverified.${Date.now()}@Example.com` });
    const me = { ...patientUser(own.email.toLowerCase()), emailVerified: false };
    expect((await call({ method: 'GET', caller: me })).body).toEqual({ patients: [], nextCursor: null });
    expect((await call({ method: 'GET', id: own.id, caller: me })).status).toBe(404);
  });

  it('answers 401 when the authorizer context is missing', async () => {
    const response = await call({ method: 'GET', caller: { userId: 'x', email: 'x@y.z', role: 'superuser' as never } });
    expect(response.status).toBe(401);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, creating nothing; another body answers 422', async () => {
    const body = validInput();
    const headers = { 'Idempotency-Key': `key-${Date.now()}` };
    const first = await call({ method: 'POST', body, headers });
    expect(first.status).toBe(201);
    const again = await call({ method: 'POST', body: { ...body, address: { ...(body.address as object) } }, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers.etag).toBe(first.headers.etag);

    const other = await call({ method: 'POST', body: { ...body, firstName: 'Different' }, headers });
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toBe('application/problem+json');

    const ids = await allIds({ search: String(body.email).toLowerCase() }, 10);
    expect(ids).toEqual([first.body.id]);
  });

  it('scopes keys per caller: another user with the same key creates their own patient', async () => {
    const headers = { 'Idempotency-Key': `shared-${Date.now()}` };
    const a = await call({ method: 'POST', body: validInput(), headers, caller: admin });
    const b = await call({ method: 'POST', body: validInput(), headers, caller: clinician });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('frees the key when the create fails (409), so a corrected retry succeeds', async () => {
    const taken = await createOk();
    const headers = { 'Idempotency-Key': `retry-${Date.now()}` };
    expect((await call({ method: 'POST', body: validInput({ email: taken.email }), headers })).status).toBe(409);
    expect((await call({ method: 'POST', body: validInput(), headers })).status).toBe(201);
  });

  it('of 15 parallel requests with one key and body, one creates and the others wait for it and replay it', async () => {
    const body = validInput();
    const headers = { 'Idempotency-Key': `parallel-${Date.now()}` };
    const responses = await Promise.all(Array.from({ length: 15 }, () => call({ method: 'POST', body, headers })));
    expect(responses.map((r) => r.status)).toEqual(Array(15).fill(201));
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(14);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await allIds({ search: String(body.email).toLowerCase() }, 10)).toEqual([responses[0]!.body.id]);
  });

  it('refuses a malformed key with 400', async () => {
    expect(
      (await call({ method: 'POST', body: validInput(), headers: { 'Idempotency-Key': 'x'.repeat(300) } })).status,
    ).toBe(400);
  });
});

describe('audit trail', () => {
  it('records every action and outcome with who, role, request id and no field values', async () => {
    const patient = await createOk({ firstName: 'Auditina', lastName: 'Secretson' });
    await call({ method: 'GET', id: patient.id, caller: clinician });
    await call({ method: 'GET', id: patient.id, caller: patientUser('someone.else@example.com') });
    await call({
      method: 'PUT',
      id: patient.id,
      body: validInput({ email: patient.email }),
      headers: { 'If-Match': '"9"' },
    });
    await call({ method: 'DELETE', id: patient.id, caller: clinician });
    await call({ method: 'DELETE', id: patient.id });
    await call({ method: 'GET', id: patient.id });

    const records = await auditRecords(`PATIENT#${patient.id}`);
    const summary = records.map((r) => [r.action, r.outcome, r.role]);
    expect(summary).toEqual([
      ['CREATE', 'SUCCESS', 'admin'],
      ['READ', 'SUCCESS', 'clinician'],
      ['READ', 'DENIED', 'patient'],
      ['UPDATE', 'PRECONDITION_FAILED', 'admin'],
      ['DELETE', 'DENIED', 'clinician'],
      ['DELETE', 'SUCCESS', 'admin'],
      ['READ', 'NOT_FOUND', 'admin'],
    ]);
    for (const record of records) {
      expect(record).toEqual(
        expect.objectContaining({
          userId: expect.any(String),
          requestId: expect.any(String),
          at: expect.any(String),
          patientId: patient.id,
        }),
      );
      const text = JSON.stringify(record);
      for (const value of [
        'Auditina',
        'Secretson',
        patient.email,
        patient.dateOfBirth,
        patient.address.street,
        patient.phoneNumber,
      ]) {
        expect(text).not.toContain(value);
      }
    }
    // The same items by user: one item per entry, no copies.
    const byUser = (await auditRecords(`ACTOR#${clinician.userId}`)).filter((r) => r.patientId === patient.id);
    expect(byUser.map((r) => r.sk)).toEqual(records.filter((r) => r.userId === clinician.userId).map((r) => r.sk));
  });

  it('records lists with the ids returned, and invalid requests', async () => {
    const who = { ...clinician, userId: `u-list-${Date.now()}` };
    const page = await call({ method: 'GET', query: { limit: '3' }, caller: who });
    await call({ method: 'GET', query: { limit: '0' }, caller: who });
    await call({ method: 'POST', body: { nope: 1 }, caller: who });
    const records = await auditRecords(`ACTOR#${who.userId}`);
    expect(records.map((r) => [r.action, r.outcome])).toEqual([
      ['LIST', 'SUCCESS'],
      ['LIST', 'INVALID'],
      ['CREATE', 'INVALID'],
    ]);
    expect(records[0]!.patientIds).toEqual(page.body.patients.map((p: { id: string }) => p.id));
  });
});
