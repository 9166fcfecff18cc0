/**
 * How the API shows the audit trail (contract: AuditEntry's outcome is SUCCESS or DENIED). The trail keeps
 * every outcome; the API shows the requests that disclosed or changed a record (SUCCESS; an Idempotency-Key
 * replay is one) and the refused ones (DENIED: a 403, or a 404 that hid an existing record). Requests that
 * failed without touching a record (unknown or deleted record, conflict, stale If-Match, bad input, error)
 * are left out: the contract's two outcomes cannot say what happened to them, and calling them either would be false.
 */
import type { AuditOutcome } from './errors';

/** What the audit trail records a request as: record reads and writes, history reads and audit reads. */
export const PATIENT_ACTIONS = ['LIST', 'READ', 'CREATE', 'UPDATE', 'DELETE', 'HISTORY', 'AUDIT_READ'] as const;
export type PatientAction = (typeof PATIENT_ACTIONS)[number];

export type ReportedOutcome = 'SUCCESS' | 'DENIED';

const REPORTED: Partial<Record<AuditOutcome, ReportedOutcome>> = {
  SUCCESS: 'SUCCESS',
  REPLAYED: 'SUCCESS',
  DENIED: 'DENIED',
};

/** The stored outcomes the API shows. */
export const REPORTED_OUTCOMES = Object.keys(REPORTED) as AuditOutcome[];

/** The contract's outcome for a stored one, or undefined for an outcome the API leaves out. */
export function reportedOutcome(outcome: AuditOutcome): ReportedOutcome | undefined {
  return REPORTED[outcome];
}
