/**
 * GET /api/patients/{id}/audit and GET /api/audit through the patients handler against DynamoDB Local:
 * who may read which part, refused attempts shown as DENIED, filters and paging, reads of the audit
 * themselves audited.
 */
import { randomUUID } from 'node:crypto';
import { AuditPage } from '../../../functions/patients/schemas';
import { admin, clinician, patientUser, validInput, type TestCaller } from './api-events';
import { usePatientsHandler } from './patients-handler';

const { call } = usePatientsHandler();

const patientAudit = (id: string, caller: TestCaller = admin, query?: Record<string, string>) =>
  call({ method: 'GET', id, sub: 'audit', caller, query });
const audit = (query: Record<string, string>, caller: TestCaller = admin) =>
  call({ method: 'GET', sub: '/api/audit', caller, query });
const summary = (entries: { action: string; outcome: string; actorRole: string }[]) =>
  entries.map((e) => [e.action, e.outcome, e.actorRole]);

async function everyEntry(query: Record<string, string>, limit: number) {
  const entries: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const response = await audit({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    expect(response.status).toBe(200);
    expect(AuditPage.safeParse(response.body).success).toBe(true);
    entries.push(...response.body.entries);
    if (response.body.nextCursor === null) return entries;
    cursor = response.body.nextCursor;
  }
  throw new Error('paging did not end');
}

describe('GET /api/patients/{id}/audit', () => {
  it('shows who saw or changed the record newest first, refused attempts as DENIED, failed requests left out', async () => {
    const email = `audited.${randomUUID().slice(0, 8)}@example.com`;
    const created = (await call({ method: 'POST', body: validInput({ email }) })).body;
    const me = patientUser(email);
    const stranger = patientUser(`stranger.${randomUUID().slice(0, 8)}@example.com`);
    expect((await call({ method: 'GET', id: created.id, caller: clinician })).status).toBe(200);
    expect((await call({ method: 'GET', id: created.id, caller: stranger })).status).toBe(404); // hides an existing record
    expect((await call({ method: 'DELETE', id: created.id, caller: clinician })).status).toBe(403);
    expect(
      (await call({ method: 'PUT', id: created.id, body: validInput({ email }), headers: { 'If-Match': '"9"' } }))
        .status,
    ).toBe(412);
    expect((await call({ method: 'GET', id: created.id, sub: 'history', caller: clinician })).status).toBe(200);

    const first = await patientAudit(created.id);
    expect(first.status).toBe(200);
    expect(summary(first.body.entries)).toEqual([
      ['HISTORY', 'SUCCESS', 'clinician'],
      ['DELETE', 'DENIED', 'clinician'],
      ['READ', 'DENIED', 'patient'],
      ['READ', 'SUCCESS', 'clinician'],
      ['CREATE', 'SUCCESS', 'admin'],
    ]);
    expect(first.body.entries[1]).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      actorId: clinician.userId,
      actorRole: 'clinician',
      action: 'DELETE',
      patientId: created.id,
      outcome: 'DENIED',
      requestId: expect.any(String),
    });
    expect(JSON.stringify(first.body)).not.toContain(email);

    // The patient sees who saw their record, including the admin's read of its audit just now.
    const mine = await patientAudit(created.id, me);
    expect(mine.status).toBe(200);
    expect(summary(mine.body.entries)[0]).toEqual(['AUDIT_READ', 'SUCCESS', 'admin']);
    expect(mine.body.entries).toHaveLength(6);

    expect((await patientAudit(created.id, stranger)).status).toBe(404);
    expect((await patientAudit(created.id, clinician)).status).toBe(403);
    expect((await patientAudit(created.id, { ...me, emailVerified: false })).status).toBe(404);
    const refused = (await patientAudit(created.id)).body.entries.slice(0, 4);
    expect(summary(refused)).toEqual([
      ['AUDIT_READ', 'DENIED', 'patient'],
      ['AUDIT_READ', 'DENIED', 'clinician'],
      ['AUDIT_READ', 'DENIED', 'patient'],
      ['AUDIT_READ', 'SUCCESS', 'patient'],
    ]);
  });

  it('pages newest first with a cursor bound to its record; stays readable by an admin once the record is deleted', async () => {
    const created = (await call({ method: 'POST', body: validInput() })).body;
    const other = (await call({ method: 'POST', body: validInput() })).body;
    for (let i = 0; i < 5; i++) await call({ method: 'GET', id: created.id, caller: clinician });
    expect((await call({ method: 'DELETE', id: created.id })).status).toBe(204);

    const page1 = await patientAudit(created.id, admin, { limit: '3' });
    expect(summary(page1.body.entries)).toEqual([
      ['DELETE', 'SUCCESS', 'admin'],
      ['READ', 'SUCCESS', 'clinician'],
      ['READ', 'SUCCESS', 'clinician'],
    ]);
    const page2 = await patientAudit(created.id, admin, { limit: '3', cursor: page1.body.nextCursor });
    expect(
      page2.body.entries.map((e: { at: string }) => e.at).every((at: string) => at <= page1.body.entries[2].at),
    ).toBe(true);
    expect((await patientAudit(other.id, admin, { cursor: page1.body.nextCursor })).status).toBe(400);
    for (const limit of ['0', '101', 'x'])
      expect((await patientAudit(created.id, admin, { limit })).body.errors[0].field).toBe('limit');
    expect((await patientAudit('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await patientAudit('not-a-uuid')).status).toBe(404);
  });
});

describe('GET /api/audit', () => {
  it('is for admins only', async () => {
    expect((await audit({}, clinician)).status).toBe(403);
    expect((await audit({}, patientUser('p@example.com'))).status).toBe(403);
  });

  it('filters by user, action, patient and time, and pages through them', async () => {
    const who: TestCaller = { ...clinician, userId: `u-audit-${randomUUID().slice(0, 8)}` };
    const created = (await call({ method: 'POST', body: validInput(), caller: who })).body;
    const since = new Date().toISOString();
    for (let i = 0; i < 4; i++) await call({ method: 'GET', id: created.id, caller: who });
    await call({ method: 'GET', query: { limit: '2' }, caller: who });
    await call({ method: 'GET', query: { limit: '0' }, caller: who }); // invalid: kept, not listed

    const mine = await everyEntry({ actorId: who.userId }, 2);
    expect(summary(mine as never)).toEqual([
      ['LIST', 'SUCCESS', 'clinician'],
      ...Array.from({ length: 4 }, () => ['READ', 'SUCCESS', 'clinician']),
      ['CREATE', 'SUCCESS', 'clinician'],
    ]);
    expect(mine[0]!.patientId).toBeNull();
    expect(await everyEntry({ actorId: who.userId, action: 'READ' }, 3)).toHaveLength(4);
    expect(await everyEntry({ actorId: who.userId, patientId: created.id }, 10)).toHaveLength(5);
    expect(await everyEntry({ actorId: who.userId, from: since }, 10)).toHaveLength(5);
    expect(await everyEntry({ actorId: who.userId, to: since }, 10)).toHaveLength(1);
    expect(await everyEntry({ patientId: created.id, action: 'CREATE' }, 10)).toHaveLength(1);
    expect(await everyEntry({ actorId: who.userId, from: '2000-01-01', to: '2000-12-31' }, 10)).toEqual([]);

    // Across every user: newest first, and the reads of the audit above are in it too.
    const recent = (await audit({ limit: '5' })).body.entries as { at: string; action: string }[];
    expect(recent.map((e) => e.at)).toEqual([...recent.map((e) => e.at)].sort().reverse());
    expect(recent[0]!.action).toBe('AUDIT_READ');
  });

  it('answers a bad parameter with 400 naming it', async () => {
    for (const [field, value] of [
      ['patientId', 'x'],
      ['actorId', ''],
      ['action', 'read'],
      ['from', '2026-02-30'],
      ['to', 'tomorrow'],
      ['limit', '0'],
      ['cursor', 'AAAA'],
    ]) {
      const response = await audit({ [field!]: value! });
      expect([field, response.status]).toEqual([field, 400]);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.body.errors[0].field).toBe(field);
    }
  });
});
