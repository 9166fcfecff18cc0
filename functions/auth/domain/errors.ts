import { DomainError } from '../../commons/errors';

/** What can go wrong in auth, in domain words; the handler maps each kind to an HTTP status. */
export type AuthErrorKind =
  | 'INVALID_CREDENTIALS'
  | 'THROTTLED'
  | 'EMAIL_TAKEN'
  | 'FORBIDDEN'
  | 'UNAUTHORIZED'
  | 'WRONG_PASSWORD'
  | 'COMMON_PASSWORD'
  | 'INVALID_CODE'
  | 'BUSY'
  | 'DISABLED'
  | 'NOT_FOUND'
  | 'LAST_ADMIN'
  | 'SELF_LOCKOUT'
  | 'CONFLICT';

export class AuthError extends DomainError<AuthErrorKind> {
  constructor(
    kind: AuthErrorKind,
    readonly retryAfterSeconds?: number,
    readonly field?: string,
  ) {
    super(kind, kind);
    this.name = 'AuthError';
  }
}
