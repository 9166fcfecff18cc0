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

export const badRequest = (detail: string, errors?: FieldError[]) => new HttpError(400, detail, errors);
export const unauthorized = (detail = 'A valid access token is required') => new HttpError(401, detail);
export const forbidden = (detail = 'Your role does not allow this action') => new HttpError(403, detail);
export const notFound = (detail = 'No such resource') => new HttpError(404, detail);
export const conflict = (detail: string) => new HttpError(409, detail);
