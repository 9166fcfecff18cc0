/**
 * Record history and the audit trail over HTTP, through the local gateway and authorizer with real tokens:
 * who reads what, history newest first (and after deletion for staff), refused attempts recorded as
 * DENIED, filters, and no route that can alter an audit entry.
 */
import { loginDemoAdmin, patientInput, request, userWithRole } from '../../support/http';

let adminToken: string;
let clinician: { email: string; token: string };
let patient: { email: string; token: string };

beforeAll(async () => {
  adminToken = await loginDemoAdmin();
  clinician = await userWithRole('clinician', adminToken);
  patient = await userWithRole('patient', adminToken);
});

async function createPatient(overrides: Record<string, unknown> = {}) {
  const response = await request('POST', '/api/patients', { token: adminToken, body: patientInput(overrides) });
  expect(response.status).toBe(201);
  return response.body;
}

const get = (path: string, token = adminToken) => request('GET', path, { token });

describe('GET /api/patients/{id}/history', () => {
  it('serves every version newest first to staff and to the patient whose record it is; others → 404', async () => {
    const own = await createPatient({ email: patient.email });
    const input = patientInput({ email: patient.email });
    const v2 = await request('PUT', `/api/patients/${own.id}`, {
      token: clinician.token,
      body: { ...input, lastName: 'Second' },
      headers: { 'If-Match': '"1"' },
    });
    expect(v2.status).toBe(200);

    const staff = await get(`/api/patients/${own.id}/history`, clinician.token);
    expect(staff.status).toBe(200);
    expect(staff.headers.get('cache-control')).toContain('no-store');
    expect(staff.body.versions.map((v: { version: number; lastName: string }) => [v.version, v.lastName])).toEqual([
      [2, 'Second'],
      [1, 'Tester'],
    ]);
    expect(staff.body.versions[0]).toEqual((await get(`/api/patients/${own.id}`)).body);
    expect((await get(`/api/patients/${own.id}/history`, patient.token)).body).toEqual(staff.body);

    const other = await createPatient();
    const hidden = await get(`/api/patients/${other.id}/history`, patient.token);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toBe('application/problem+json');
    expect((await request('GET', `/api/patients/${own.id}/history`)).status).toBe(401);
  });

  it('stays readable by staff once the record is deleted (GET → 404); a patient no longer sees it', async () => {
    const mine = await userWithRole('patient', adminToken);
    const record = await createPatient({ email: mine.email });
    expect((await request('DELETE', `/api/patients/${record.id}`, { token: adminToken })).status).toBe(204);
    expect((await get(`/api/patients/${record.id}`)).status).toBe(404);
    const history = await get(`/api/patients/${record.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.versions).toHaveLength(1);
    expect(history.body.versions[0].id).toBe(record.id);
    expect((await get(`/api/patients/${record.id}/history`, mine.token)).status).toBe(404);
    expect((await get('/api/patients/00000000-0000-4000-8000-000000000000/history')).status).toBe(404);
  });
});

describe('the audit trail', () => {
  it('shows a patient who saw their record, refused attempts as DENIED; clinicians → 403', async () => {
    const owner = await userWithRole('patient', adminToken);
    const own = await createPatient({ email: owner.email.toUpperCase() });
    const stranger = await userWithRole('patient', adminToken);
    expect((await get(`/api/patients/${own.id}`, clinician.token)).status).toBe(200);
    expect((await get(`/api/patients/${own.id}`, stranger.token)).status).toBe(404);
    expect((await request('DELETE', `/api/patients/${own.id}`, { token: clinician.token })).status).toBe(403);

    const mine = await get(`/api/patients/${own.id}/audit`, owner.token);
    expect(mine.status).toBe(200);
    expect(
      mine.body.entries.map((e: { action: string; outcome: string; actorRole: string }) => [
        e.action,
        e.outcome,
        e.actorRole,
      ]),
    ).toEqual([
      ['DELETE', 'DENIED', 'clinician'],
      ['READ', 'DENIED', 'patient'],
      ['READ', 'SUCCESS', 'clinician'],
      ['CREATE', 'SUCCESS', 'admin'],
    ]);
    expect(mine.body.nextCursor).toBeNull();
    expect(JSON.stringify(mine.body).toLowerCase()).not.toContain(owner.email);

    expect((await get(`/api/patients/${own.id}/audit`, clinician.token)).status).toBe(403);
    expect((await get(`/api/patients/${own.id}/audit`, stranger.token)).status).toBe(404);
    // The patient's own read of the audit is in it, as are the refused ones.
    const admin = await get(`/api/patients/${own.id}/audit?limit=3`);
    expect(admin.body.entries.map((e: { action: string; outcome: string }) => [e.action, e.outcome])).toEqual([
      ['AUDIT_READ', 'DENIED'],
      ['AUDIT_READ', 'DENIED'],
      ['AUDIT_READ', 'SUCCESS'],
    ]);
    expect(typeof admin.body.nextCursor).toBe('string');
  });

  it('GET /api/audit: admin only, filtered and paged, a bad parameter → 400 naming it', async () => {
    expect((await get('/api/audit', clinician.token)).status).toBe(403);
    expect((await get('/api/audit', patient.token)).status).toBe(403);
    const record = await createPatient();
    const byClinician = await get(
      `/api/audit?actorId=${encodeURIComponent((await get('/api/auth/validate', clinician.token)).body.userId)}&action=READ&limit=100`,
    );
    expect(byClinician.status).toBe(200);
    expect(
      byClinician.body.entries.every(
        (e: { action: string; actorRole: string }) => e.action === 'READ' && e.actorRole === 'clinician',
      ),
    ).toBe(true);

    const today = new Date().toISOString().slice(0, 10);
    const page1 = await get(`/api/audit?patientId=${record.id}&from=${today}&to=${today}&limit=1`);
    expect(page1.body.entries).toEqual([
      expect.objectContaining({ action: 'CREATE', patientId: record.id, outcome: 'SUCCESS' }),
    ]);
    expect(page1.body.nextCursor).toBeNull();

    const recent = await get('/api/audit?limit=2');
    const next = await get(`/api/audit?limit=2&cursor=${recent.body.nextCursor}`);
    expect(next.status).toBe(200);
    expect(next.body.entries[0].at <= recent.body.entries[1].at).toBe(true);
    for (const [name, value] of [
      ['limit', '0'],
      ['cursor', 'forged'],
      ['action', 'EXPORT'],
      ['from', 'last-week'],
      ['patientId', '1'],
      ['actorId', '%20'],
    ]) {
      const bad = await get(`/api/audit?${name}=${value}`);
      expect([name, bad.status, bad.headers.get('content-type')]).toEqual([name, 400, 'application/problem+json']);
      expect(bad.body.errors[0].field).toBe(name);
    }
  });

  it('no route alters an entry: every write method on the audit paths is refused, and the entry reads the same after', async () => {
    const record = await createPatient();
    const before = (await get(`/api/patients/${record.id}/audit`)).body.entries as { id: string }[];
    const entry = before.find((e) => (e as unknown as { action: string }).action === 'CREATE')!;
    const attempts: [string, string][] = [];
    for (const path of [
      '/api/audit',
      `/api/audit/${entry.id}`,
      `/api/patients/${record.id}/audit`,
      `/api/patients/${record.id}/audit/${entry.id}`,
      `/api/patients/${entry.id}`,
    ]) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) attempts.push([method, path]);
    }
    for (const [method, path] of attempts) {
      const response = await request(method, path, {
        token: adminToken,
        body: { outcome: 'SUCCESS', action: 'READ', at: '2000-01-01T00:00:00.000Z' },
      });
      expect([method, path, response.status >= 400 && response.status < 500]).toEqual([method, path, true]);
    }
    const after = (await get(`/api/patients/${record.id}/audit?limit=100`)).body.entries as { id: string }[];
    expect(after.find((e) => e.id === entry.id)).toEqual(entry);
    expect(after.filter((e) => before.some((b) => b.id === e.id))).toEqual(before);
  });
});
