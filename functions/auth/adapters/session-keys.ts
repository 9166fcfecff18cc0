/**
 * The sessions table's keys and the records the authorizer reads, owned by the auth context. Free of
 * the AWS SDK so the authorizer can import it; the items themselves are written by dynamo-session-store.
 * - `REFRESH#<sha256>`  one refresh token: family, user, used flag
 * - `FAMILY#<id>`       one login: user, revoked flag, start, hard end, last use, user agent (gsi1: per user)
 * - `ACCOUNT#<userId>`  a user's access state: logins valid from (password change), email verified
 * - `VERIFY#<userId>`   the pending email-verification code (hashed), its wrong tries and sends
 * - `LOGIN#<key>`       recent failed attempts for one email and source (the key is a hash, not the email)
 */
import type { AccountState, LoginRecord } from '../domain/login-state';

export const refreshKey = (hash: string) => ({ pk: `REFRESH#${hash}` });
export const familyKey = (id: string) => ({ pk: `FAMILY#${id}` });
export const accountKey = (userId: string) => ({ pk: `ACCOUNT#${userId}` });
export const verificationKey = (userId: string) => ({ pk: `VERIFY#${userId}` });
export const loginKey = (key: string) => ({ pk: `LOGIN#${key}` });
/** gsi1's partition of one user's logins. */
export const userLoginsKey = (userId: string) => `USER#${userId}`;

/** The attributes the access decision reads from each item (a projection keeps the reads small). */
export const LOGIN_ATTRIBUTES = ['userId', 'revoked', 'startedAt', 'endsAt'] as const;
export const ACCOUNT_ATTRIBUTES = ['loginsValidFrom', 'emailVerified'] as const;

export function loginRecordOf(item: Record<string, unknown> | undefined): LoginRecord | undefined {
  if (!item || typeof item.userId !== 'string') return undefined;
  // Logins stored before `endsAt` existed end with their refresh tokens (expiresAt).
  const endsAt = Number(item.endsAt ?? item.expiresAt ?? 0);
  return { userId: item.userId, revoked: item.revoked === true, startedAt: Number(item.startedAt ?? 0), endsAt };
}

export function accountStateOf(item: Record<string, unknown> | undefined): AccountState {
  return {
    emailVerified: item?.emailVerified === true,
    ...(item?.loginsValidFrom !== undefined ? { loginsValidFrom: Number(item.loginsValidFrom) } : {}),
  };
}
