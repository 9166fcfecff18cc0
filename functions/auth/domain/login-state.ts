/**
 * Whether a login still grants access. One rule, applied by the TOKEN authorizer, the in-function token
 * check and the auth function alike, so logout, a password change and the end of a login's life take
 * effect everywhere on the very next request. No AWS SDK: the authorizer bundles this file.
 */
import type { Role } from '../../commons/roles';

/** One login (refresh-token family). Times in epoch milliseconds, except `endsAt` (epoch seconds). */
export interface LoginRecord {
  userId: string;
  revoked: boolean;
  startedAt: number;
  /** The login's hard end, whatever its refreshes: see LOGIN_LIFETIME. */
  endsAt: number;
}

/** What the sessions table knows about a user's access, apart from each login. */
export interface AccountState {
  /** Logins started before this (epoch ms) are over: set by a password change. */
  loginsValidFrom?: number;
  /** The user proved they own their email address (a code, or creation by an admin). */
  emailVerified: boolean;
}

/**
 * How long a login may last, and how long it may sit unused (its refresh token's life). Staff hold every
 * record, so their logins end within a working day and after an hour away (HIPAA's automatic log-off);
 * a patient's own app may stay signed in longer.
 */
export const LOGIN_LIFETIME: Record<Role, { maxSeconds: number; idleSeconds: number }> = {
  admin: { maxSeconds: 12 * 3600, idleSeconds: 3600 },
  clinician: { maxSeconds: 12 * 3600, idleSeconds: 3600 },
  patient: { maxSeconds: 30 * 86400, idleSeconds: 7 * 86400 },
};

/** The end of a login started at `startedAt` (ms) by a user of `role`, in epoch seconds. */
export function loginEndsAt(role: Role, startedAt: number): number {
  return Math.floor(startedAt / 1000) + LOGIN_LIFETIME[role].maxSeconds;
}

/** When a refresh token minted at `now` (ms) expires: after the idle time, never after the login's end. */
export function refreshExpiresAt(role: Role, now: number, endsAt: number): number {
  return Math.min(Math.floor(now / 1000) + LOGIN_LIFETIME[role].idleSeconds, endsAt);
}

export function loginIsLive(
  login: LoginRecord | undefined,
  account: AccountState,
  userId: string,
  now: number,
): boolean {
  if (!login || login.revoked || login.userId !== userId) return false;
  if (login.endsAt * 1000 <= now) return false;
  return account.loginsValidFrom === undefined || login.startedAt >= account.loginsValidFrom;
}
