/**
 * Runs a use case and appends its audit record, whatever the outcome (success, denial, not found,
 * conflict, invalid input, error). Fail closed: when the audit record cannot be written, a successful
 * result is not returned (the caller gets an error instead), so no patient data leaves unaudited.
 */
import { PatientError, type AuditOutcome, type PatientErrorKind } from '../domain/errors';
import type { PatientAction } from '../domain/access';
import { isPatientId } from '../domain/patient';
import type { AuditLog, AuditRecord, Clock, RequestContext } from '../ports';

const OUTCOME_OF: Record<PatientErrorKind, AuditOutcome> = {
  FORBIDDEN: 'DENIED',
  NOT_FOUND: 'NOT_FOUND',
  GONE: 'NOT_FOUND',
  EMAIL_TAKEN: 'CONFLICT',
  VERSION_MISMATCH: 'PRECONDITION_FAILED',
  CONTENDED: 'CONFLICT',
  INVALID_QUERY: 'INVALID',
  IDEMPOTENCY_KEY_REUSED: 'INVALID',
  IDEMPOTENCY_IN_PROGRESS: 'CONFLICT',
  IDEMPOTENT_TARGET_DELETED: 'NOT_FOUND',
};

export function outcomeOf(error: unknown): AuditOutcome {
  if (error instanceof PatientError) return error.auditOutcome ?? OUTCOME_OF[error.kind];
  // Errors of other contexts (the billing routes) may name their outcome.
  const declared = (error as { auditOutcome?: AuditOutcome } | null)?.auditOutcome;
  if (declared) return declared;
  // Input errors thrown while reading the body (400 invalid, 413 too large) carry an HTTP status.
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? 'INVALID' : 'ERROR';
}

export interface AuditedResult<T> {
  result: T;
  outcome?: AuditOutcome;
  patientId?: string;
  patientIds?: string[];
}

export async function audited<T>(
  ports: { audit: Pick<AuditLog, 'append'>; clock: Clock },
  ctx: RequestContext,
  action: PatientAction,
  patientId: string | undefined,
  work: () => Promise<AuditedResult<T>>,
  resource?: AuditRecord['resource'],
): Promise<T> {
  const base = {
    action,
    userId: ctx.caller.userId,
    role: ctx.caller.role,
    requestId: ctx.requestId,
    ...(resource ? { resource } : {}),
  };
  let done: AuditedResult<T>;
  try {
    done = await work();
  } catch (error) {
    // An id that is no patient id (any string a client put in the path) names no patient: audit without it.
    const named = isPatientId(patientId) ? patientId : undefined;
    await ports.audit.append({
      ...base,
      outcome: outcomeOf(error),
      patientId: named,
      at: ports.clock.now().toISOString(),
    });
    throw error;
  }
  await ports.audit.append({
    ...base,
    outcome: done.outcome ?? 'SUCCESS',
    patientId: done.patientId ?? patientId,
    patientIds: done.patientIds,
    at: ports.clock.now().toISOString(),
  });
  return done.result;
}
