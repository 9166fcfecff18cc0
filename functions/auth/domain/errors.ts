/** What can go wrong in auth, in domain words; the handler maps each kind to an HTTP status. */
export type AuthErrorKind = 'INVALID_CREDENTIALS' | 'THROTTLED' | 'EMAIL_TAKEN' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'WRONG_PASSWORD';

export class AuthError extends Error {
  constructor(readonly kind: AuthErrorKind, readonly retryAfterSeconds?: number) {
    super(kind);
    this.name = 'AuthError';
  }
}
