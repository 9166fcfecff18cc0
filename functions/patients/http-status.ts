/** How each patient refusal is answered, shared by the REST and FHIR views and the billing routes (FHIR answers GONE with 410). */
import type { ProblemOfKind } from '../commons/errors';
import type { PatientErrorKind } from './domain/errors';

export const PROBLEM_OF: Record<PatientErrorKind, ProblemOfKind> = {
  FORBIDDEN: { status: 403 },
  NOT_FOUND: { status: 404 },
  GONE: { status: 404 },
  EMAIL_TAKEN: { status: 409 },
  VERSION_MISMATCH: { status: 412 },
  CONTENDED: { status: 409, retryAfterSeconds: 1 },
  INVALID_QUERY: { status: 400 },
  IDEMPOTENCY_KEY_REUSED: { status: 422 },
  // The first request with this key is still running: its answer is a second or so away.
  IDEMPOTENCY_IN_PROGRESS: { status: 409, retryAfterSeconds: 1 },
  IDEMPOTENT_TARGET_DELETED: { status: 409 },
};
