/** The HTTP status of each domain error, shared by the REST and FHIR views (FHIR answers GONE with 410). */
import type { PatientErrorKind } from './domain/errors';

export const STATUS_OF: Record<PatientErrorKind, number> = {
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  GONE: 404,
  EMAIL_TAKEN: 409,
  VERSION_MISMATCH: 412,
  INVALID_QUERY: 400,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENT_TARGET_DELETED: 409,
};
