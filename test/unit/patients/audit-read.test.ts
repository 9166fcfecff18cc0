/**
 * Reading the audit trail without storage: who may read which part, how stored outcomes map onto the
 * contract's two, the filters' validation (400 naming the parameter), and that reads are audited too.
 */
import type { Caller } from '../../../functions/commons/caller';
import { PATIENT_ACTIONS } from '../../../functions/patients/domain/access';
import { REPORTED_OUTCOMES, reportedOutcome } from '../../../functions/patients/domain/audit';
import { newPatient, type PatientRecord } from '../../../functions/patients/domain/patient';
import type { AuditQuery, AuditRecord, PatientPorts, StoredAuditRecord } from '../../../functions/patients/ports';
import { AuditPage } from '../../../functions/patients/schemas';
import { parseFilters, readAudit, readPatientAudit } from '../../../functions/patients/use-cases/read-audit';
import { routes } from '../../../system/routes';

const ID = '3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60';
const unreachable = () => {
  throw new Error('must not be called');
};
const stored = (over: Partial<StoredAuditRecord>): StoredAuditRecord => ({
  id: '9a1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f61',
  at: '2026-05-01T10:00:00.000Z',
  action: 'READ',
  outcome: 'SUCCESS',
  userId: 'u-1',
  role: 'clinician',
  requestId: 'r-1',
  patientId: ID,
  ...over,
});

function ports(record: PatientRecord | undefined, found: StoredAuditRecord[] = [], next: string | null = null) {
  const appended: AuditRecord[] = [];
  const queries: AuditQuery[] = [];
  const built = {
    patients: {
      get: async () => record,
      getByEmail: unreachable,
      page: unreachable,
      create: unreachable,
      replace: unreachable,
      softDelete: unreachable,
      activateBilling: unreachable,
      history: unreachable,
      version: unreachable,
    },
    audit: {
      append: async (r: AuditRecord) => {
        appended.push(r);
      },
      page: async (q: AuditQuery) => {
        queries.push(q);
        return { records: found, next };
      },
    },
    billing: { openAccount: unreachable },
    cursors: {
      encode: async (key: Record<string, string>, scope: string) => `${key.sk}|${scope}`,
      decode: async (cursor: string, scope: string) =>
        cursor.endsWith(`|${scope}`) ? { sk: cursor.split('|')[0]! } : undefined,
    },
    idempotency: { begin: unreachable, complete: unreachable, release: unreachable },
    clock: { now: () => new Date('2026-05-02T00:00:00.000Z') },
    newId: () => ID,
  } as unknown as PatientPorts;
  return { ports: built, appended, queries };
}

const ctx = (role: Caller['role'], email = `${role}@x.test`) => ({
  caller: { userId: `u-${role}`, email, role, emailVerified: true },
  requestId: 'req-9',
});
const record = (email = 'pat@x.test'): PatientRecord =>
  newPatient(
    {
      firstName: 'A',
      lastName: 'B',
      email,
      dateOfBirth: '1990-01-01',
      address: { street: 's', city: 'c', state: 'CA', zipCode: '1' },
    },
    ID,
    new Date('2026-01-01T00:00:00.000Z'),
  );

describe('outcomes in the API', () => {
  it('shows successes (replays included) and refusals; leaves out requests that failed without touching a record', () => {
    expect(REPORTED_OUTCOMES.sort()).toEqual(['DENIED', 'REPLAYED', 'SUCCESS']);
    expect(reportedOutcome('REPLAYED')).toBe('SUCCESS');
    expect(reportedOutcome('DENIED')).toBe('DENIED');
    for (const left of ['NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED', 'INVALID', 'ERROR'] as const)
      expect(reportedOutcome(left)).toBeUndefined();
  });
});

describe('GET /api/patients/{id}/audit', () => {
  it("an admin reads a record's entries (a deleted record's too), mapped to the contract; the read is audited", async () => {
    const {
      ports: p,
      appended,
      queries,
    } = ports(
      { ...record(), deletedAt: '2026-04-01T00:00:00.000Z' },
      [stored({ outcome: 'REPLAYED', action: 'CREATE' }), stored({ outcome: 'DENIED', patientId: undefined })],
      '2026-05-01T09:00:00.000Z#x',
    );
    const page = await readPatientAudit(p, ctx('admin'), ID, { limit: '2' });
    expect(AuditPage.safeParse(page).success).toBe(true);
    expect(page.entries).toEqual([
      {
        id: expect.any(String),
        at: '2026-05-01T10:00:00.000Z',
        actorId: 'u-1',
        actorRole: 'clinician',
        action: 'CREATE',
        patientId: ID,
        outcome: 'SUCCESS',
        requestId: 'r-1',
      },
      expect.objectContaining({ outcome: 'DENIED', patientId: null }),
    ]);
    expect(queries).toEqual([{ patientId: ID, outcomes: REPORTED_OUTCOMES, limit: 2, before: undefined }]);
    expect(appended).toEqual([
      expect.objectContaining({
        action: 'AUDIT_READ',
        outcome: 'SUCCESS',
        patientId: ID,
        role: 'admin',
        requestId: 'req-9',
      }),
    ]);

    // The cursor resumes below the last entry, for this record only.
    await readPatientAudit(p, ctx('admin'), ID, { cursor: page.nextCursor! });
    expect(queries[1]!.before).toBe('2026-05-01T09:00:00.000Z#x');
    await expect(readAudit(p, ctx('admin'), { cursor: page.nextCursor! })).rejects.toMatchObject({
      kind: 'INVALID_QUERY',
      errors: [{ field: 'cursor' }],
    });
  });

  it("a patient reads their own record's; another's → 404 audited DENIED; a clinician → 403 audited DENIED", async () => {
    const own = ports(record('me@x.test'));
    expect((await readPatientAudit(own.ports, ctx('patient', 'Me@X.test'), ID, {})).entries).toEqual([]);
    const other = ports(record('someone@x.test'));
    await expect(readPatientAudit(other.ports, ctx('patient', 'me@x.test'), ID, {})).rejects.toMatchObject({
      kind: 'NOT_FOUND',
    });
    expect(other.appended).toEqual([
      expect.objectContaining({ action: 'AUDIT_READ', outcome: 'DENIED', patientId: ID }),
    ]);
    const clinician = ports(record());
    await expect(readPatientAudit(clinician.ports, ctx('clinician'), ID, {})).rejects.toMatchObject({
      kind: 'FORBIDDEN',
    });
    expect(clinician.appended).toEqual([
      expect.objectContaining({ action: 'AUDIT_READ', outcome: 'DENIED', role: 'clinician' }),
    ]);
    expect(clinician.queries).toEqual([]);
  });

  it('unknown record → 404; bad limit → 400', async () => {
    await expect(readPatientAudit(ports(undefined).ports, ctx('admin'), ID, {})).rejects.toMatchObject({
      kind: 'NOT_FOUND',
    });
    await expect(readPatientAudit(ports(record()).ports, ctx('admin'), ID, { limit: '0' })).rejects.toMatchObject({
      errors: [{ field: 'limit' }],
    });
  });
});

describe('GET /api/audit', () => {
  it('is for admins: clinician and patient → 403, audited DENIED', async () => {
    for (const role of ['clinician', 'patient'] as const) {
      const { ports: p, appended, queries } = ports(record());
      await expect(readAudit(p, ctx(role), {})).rejects.toMatchObject({ kind: 'FORBIDDEN' });
      expect(appended).toEqual([expect.objectContaining({ action: 'AUDIT_READ', outcome: 'DENIED' })]);
      expect(queries).toEqual([]);
    }
  });

  it('passes the filters to the trail and records a read narrowed to a patient on that patient', async () => {
    const { ports: p, appended, queries } = ports(record());
    const page = await readAudit(p, ctx('admin'), {
      patientId: ID,
      actorId: 'u-7',
      action: 'DELETE',
      from: '2026-05-01',
      to: '2026-05-01T12:00:00+02:00',
    });
    expect(page).toEqual({ entries: [], nextCursor: null });
    expect(queries[0]).toEqual({
      patientId: ID,
      actorId: 'u-7',
      action: 'DELETE',
      from: '2026-05-01T00:00:00.000Z',
      to: '2026-05-01T10:00:00.000Z',
      outcomes: REPORTED_OUTCOMES,
      limit: 20,
      before: undefined,
    });
    expect(appended[0]).toMatchObject({ action: 'AUDIT_READ', outcome: 'SUCCESS', patientId: ID });
  });

  it.each([
    ['patientId', { patientId: 'PATIENT#1' }],
    ['patientId', { patientId: '' }],
    ['actorId', { actorId: '' }],
    ['actorId', { actorId: 'a b' }],
    ['actorId', { actorId: 'x'.repeat(129) }],
    ['action', { action: 'read' }],
    ['action', { action: 'DROP' }],
    ['from', { from: '2026-13-01' }],
    ['from', { from: '2026-02-30T00:00:00Z' }],
    ['from', { from: 'yesterday' }],
    ['from', { from: '1e3' }],
    ['to', { to: '2026-05-01T25:00:00Z' }],
    ['to', { from: '2026-05-02', to: '2026-05-01' }],
    ['limit', { limit: '101' }],
    ['cursor', { cursor: '' }],
    ['cursor', { cursor: 'forged' }],
  ])('a bad %s → 400 naming it (%j)', async (field, query) => {
    const { ports: p, queries } = ports(record());
    await expect(readAudit(p, ctx('admin'), query)).rejects.toMatchObject({
      kind: 'INVALID_QUERY',
      errors: [{ field }],
    });
    expect(queries).toEqual([]);
  });

  it('takes a date as its whole day (UTC) and a date-time at any offset', () => {
    expect(parseFilters({ from: '2026-05-01', to: '2026-05-01' })).toEqual({
      from: '2026-05-01T00:00:00.000Z',
      to: '2026-05-01T23:59:59.999Z',
    });
    expect(parseFilters({ from: '2026-05-01T10:00Z', to: '2026-05-01T10:00:00.5-01:00' })).toEqual({
      from: '2026-05-01T10:00:00.000Z',
      to: '2026-05-01T11:00:00.500Z',
    });
    expect(parseFilters({ action: 'AUDIT_READ' })).toEqual({ action: 'AUDIT_READ' });
  });
});

describe('routes', () => {
  it('reach the audit trail with GET only: no route changes or removes an entry', () => {
    const audit = routes.filter((r) => r.path.includes('audit'));
    expect(audit.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /api/audit',
      'GET /api/patients/{id}/audit',
    ]);
  });

  it('document the actions the trail records', () => {
    const action = routes.find((r) => r.path === '/api/audit')!.query!.find((q) => q.name === 'action')!;
    expect(action.schema.enum).toEqual(PATIENT_ACTIONS);
  });
});
