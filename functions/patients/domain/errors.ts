/** What can go wrong in a patient use case, in domain words; the handler maps each kind to an HTTP status. */
import { DomainError, type FieldError } from '../../commons/errors';

export type PatientErrorKind =
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  /** The record existed and was deleted: REST answers 404 as for any unknown id, FHIR 410. */
  | 'GONE'
  | 'EMAIL_TAKEN'
  | 'VERSION_MISMATCH'
  /** A write without If-Match kept losing races to other writers of the same record: retry shortly. */
  | 'CONTENDED'
  | 'INVALID_QUERY'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'IDEMPOTENT_TARGET_DELETED';

/** How the audit trail records an error outcome. */
export type AuditOutcome =
  'SUCCESS' | 'REPLAYED' | 'DENIED' | 'NOT_FOUND' | 'CONFLICT' | 'PRECONDITION_FAILED' | 'INVALID' | 'ERROR';

export class PatientError extends DomainError<PatientErrorKind> {
  constructor(
    kind: PatientErrorKind,
    message: string,
    errors?: FieldError[],
    /** Overrides the audited outcome, e.g. a patient asking for another's record is answered 404 but audited DENIED. */
    readonly auditOutcome?: AuditOutcome,
  ) {
    super(kind, message, errors);
    this.name = 'PatientError';
  }
}

export const forbidden = () => new PatientError('FORBIDDEN', 'Your role does not allow this action');
export const notFound = (auditOutcome?: AuditOutcome) =>
  new PatientError('NOT_FOUND', 'No such patient', undefined, auditOutcome);
/** REST answers it as any unknown id (same words); FHIR says the resource was deleted. */
export const gone = () => new PatientError('GONE', 'No such patient', undefined, 'NOT_FOUND');
/** Names the field, so a form shows the refusal at its email input. */
export const emailTaken = () =>
  new PatientError('EMAIL_TAKEN', 'Another patient already has this email address', [
    { field: 'email', message: 'Another patient already has this email address' },
  ]);
export const versionMismatch = () =>
  new PatientError('VERSION_MISMATCH', 'The patient has changed since the ETag given in If-Match');
export const contended = () =>
  new PatientError('CONTENDED', 'Others are changing this patient at the same moment; retry shortly');
export const isVersionMismatch = (error: unknown): boolean =>
  error instanceof PatientError && error.kind === 'VERSION_MISMATCH';
export const invalidQuery = (field: string, message: string) =>
  new PatientError('INVALID_QUERY', `Invalid query parameter "${field}"`, [{ field, message }]);
