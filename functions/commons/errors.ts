/** The errors a function throws on purpose, in the contract's problem+json shape (system/problem.ts). */
import type { FieldError } from '../../system/problem';

export { problemOf, type FieldError, type Problem } from '../../system/problem';

/** An error a handler throws on purpose; the HTTP adapter turns it into a problem+json response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpError';
  }
}

/**
 * A refusal in a context's own words: a kind, the message the answer shows, and the fields at fault. Each
 * context's errors extend it; its handler turns them into problem+json with `httpErrorOf` and a table of kinds.
 */
export class DomainError<K extends string> extends Error {
  constructor(
    readonly kind: K,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

/** How one kind of refusal is answered: its status; optionally a detail of its own (else the error's message), a Retry-After, and the message shown at the field the error names. */
export interface ProblemOfKind {
  status: number;
  detail?: string;
  retryAfterSeconds?: number;
  fieldMessage?: string;
}

/** The one way a domain refusal becomes an HTTP answer. */
export function httpErrorOf<K extends string>(
  table: Record<K, ProblemOfKind>,
  error: DomainError<K> & { retryAfterSeconds?: number; field?: string },
): HttpError {
  const answer = table[error.kind];
  const retryAfter = error.retryAfterSeconds || answer.retryAfterSeconds;
  const errors =
    error.errors ??
    (error.field && answer.fieldMessage ? [{ field: error.field, message: answer.fieldMessage }] : undefined);
  return new HttpError(
    answer.status,
    answer.detail ?? error.message,
    errors,
    retryAfter ? { 'Retry-After': String(retryAfter) } : {},
  );
}

export const badRequest = (detail: string, errors?: FieldError[]) => new HttpError(400, detail, errors);
export const unauthorized = (detail = 'A valid access token is required') => new HttpError(401, detail);
export const forbidden = (detail = 'Your role does not allow this action') => new HttpError(403, detail);
export const notFound = (detail = 'No such resource') => new HttpError(404, detail);
export const conflict = (detail: string) => new HttpError(409, detail);

/** Node's errors for a peer that cannot be reached or stops answering (not ENOTFOUND: a wrong name is no outage). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
/** AWS SDK errors that say the service is busy, slow or briefly down (after the SDK's own retries). */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);

/**
 * A dependency (DynamoDB, Secrets Manager, …) that did not answer or is overloaded: answered 503 with Retry-After,
 * since the request itself was fine and may be sent again.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return UNAVAILABLE_NAMES.has(String(name)) || UNREACHABLE_CODES.has(String(code));
}
