/**
 * Use-case rules that do not need storage: the role is checked before the body is read, every outcome is
 * audited, and a result is never returned when its audit record cannot be written (fail closed).
 */
import type { Caller } from '../../../functions/commons/caller';
import type { AuditRecord, PatientPorts } from '../../../functions/patients/ports';
import {
  createPatient,
  deletePatient,
  getPatient,
  listPatients,
  updatePatient,
} from '../../../functions/patients/use-cases';
import { outcomeOf } from '../../../functions/patients/use-cases/audited';
import { PatientError } from '../../../functions/patients/domain/errors';

const unreachable = () => {
  throw new Error('must not be called');
};

function portsWith(audit: AuditRecord[], failAudit = false): PatientPorts {
  const repo = {
    get: async () => undefined,
    getByEmail: async () => undefined,
    page: async () => ({ patients: [], nextKey: null }),
    create: unreachable,
    replace: unreachable,
    softDelete: unreachable,
    activateBilling: unreachable,
    history: unreachable,
    version: unreachable,
  };
  return {
    patients: repo,
    audit: {
      append: async (entry) => {
        if (failAudit) throw new Error('audit down');
        audit.push(entry);
      },
      page: unreachable,
    },
    billing: { openAccount: unreachable },
    cursors: { encode: async () => 'c', decode: async () => undefined },
    idempotency: { begin: unreachable, complete: unreachable, release: unreachable },
    clock: { now: () => new Date('2026-01-01T00:00:00.000Z') },
    newId: () => '3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60',
  };
}

const ctx = (role: Caller['role']) => ({
  caller: { userId: `u-${role}`, email: `${role}@x.test`, role, emailVerified: true },
  requestId: 'req-1',
});
const ID = '3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60';

describe('role checks come first and are audited as DENIED', () => {
  it.each([
    ['patient', 'CREATE', (p: PatientPorts, c: ReturnType<typeof ctx>) => createPatient(p, c, { input: unreachable })],
    [
      'patient',
      'UPDATE',
      (p: PatientPorts, c: ReturnType<typeof ctx>) => updatePatient(p, c, { id: ID, input: unreachable }),
    ],
    ['patient', 'DELETE', (p: PatientPorts, c: ReturnType<typeof ctx>) => deletePatient(p, c, ID)],
    ['clinician', 'DELETE', (p: PatientPorts, c: ReturnType<typeof ctx>) => deletePatient(p, c, ID)],
  ] as const)('%s %s → FORBIDDEN without reading the body', async (role, action, run) => {
    const audit: AuditRecord[] = [];
    await expect(run(portsWith(audit), ctx(role))).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    expect(audit).toEqual([
      expect.objectContaining({ action, outcome: 'DENIED', role, userId: `u-${role}`, requestId: 'req-1' }),
    ]);
  });
});

describe('audit', () => {
  it('records not-found reads and invalid list queries', async () => {
    const audit: AuditRecord[] = [];
    await expect(getPatient(portsWith(audit), ctx('admin'), ID)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(listPatients(portsWith(audit), ctx('admin'), { limit: '0' })).rejects.toMatchObject({
      kind: 'INVALID_QUERY',
    });
    await expect(listPatients(portsWith(audit), ctx('admin'), { cursor: 'forged' })).rejects.toMatchObject({
      kind: 'INVALID_QUERY',
    });
    expect(audit.map((a) => [a.action, a.outcome, a.patientId])).toEqual([
      ['READ', 'NOT_FOUND', ID],
      ['LIST', 'INVALID', undefined],
      ['LIST', 'INVALID', undefined],
    ]);
  });

  it('fails closed: no result leaves when the audit record cannot be written', async () => {
    await expect(listPatients(portsWith([], true), ctx('admin'), {})).rejects.toThrow('audit down');
  });

  it('maps errors to outcomes', () => {
    expect(outcomeOf(new PatientError('VERSION_MISMATCH', 'x'))).toBe('PRECONDITION_FAILED');
    expect(outcomeOf(new PatientError('EMAIL_TAKEN', 'x'))).toBe('CONFLICT');
    expect(outcomeOf(new PatientError('NOT_FOUND', 'x', undefined, 'DENIED'))).toBe('DENIED');
    expect(outcomeOf(Object.assign(new Error('bad body'), { status: 400 }))).toBe('INVALID');
    expect(outcomeOf(new Error('boom'))).toBe('ERROR');
  });
});
