/**
 * Login: the same scrypt work and the same answer for an unknown email as for a wrong password; after
 * 5 failures for one email from one source within 15 minutes, refused with growing waits before any hashing.
 */
import { createHash } from 'node:crypto';
import { AuthError } from '../domain/errors';
import { loginEndsAt, refreshExpiresAt } from '../domain/login-state';
import { recentFailures, retryAfterSeconds } from '../domain/login-throttle';
import { DUMMY_HASH, verifyPassword } from '../domain/password';
import type { AuthPorts, UserRecord } from '../ports';
import type { LoginRequest } from '../schemas';
import { securityEvent } from '../security-log';
import { mintPair, type TokenPair } from './tokens';

/** The throttle key of one email from one source address: a hash, so the sessions table holds neither. */
export const throttleKey = (email: string, source: string) =>
  createHash('sha256').update(`login:${email}:${source}`).digest('base64url');

const MAX_RESERVE_TRIES = 5;

/** Counts this attempt, or says how long to wait when too many failed recently. */
export async function countAttempt(ports: AuthPorts, key: string): Promise<void> {
  for (let tries = 0; tries < MAX_RESERVE_TRIES; tries++) {
    const failures = await ports.sessions.loginFailures(key);
    const now = ports.clock.now().getTime();
    const wait = retryAfterSeconds(failures, now);
    if (wait > 0) {
      securityEvent('LOGIN_THROTTLED', { retryAfterSeconds: wait });
      throw new AuthError('THROTTLED', wait);
    }
    if (await ports.sessions.reserveLoginAttempt(key, failures.length, recentFailures(failures, now), now)) return;
  }
  // Heavy contention on one key: refuse briefly rather than let guesses through uncounted.
  throw new AuthError('THROTTLED', 1);
}

/** Where a login comes from: API Gateway's view of the caller's address, and what the client calls itself. */
export interface LoginClient {
  sourceIp: string;
  userAgent?: string;
}

export async function login(ports: AuthPorts, input: LoginRequest, client: LoginClient): Promise<TokenPair> {
  // Before the user is read: a login that checked a password about to be changed counts as older than the change.
  const startedAt = ports.clock.now().getTime();
  const key = throttleKey(input.email, client.sourceIp);
  // The user is looked up while the attempt is counted; both finish before any hashing.
  const lookup = ports.users.findByEmail(input.email);
  lookup.catch(() => undefined); // a throttled login never awaits it
  // Counted before the password is checked, so parallel guesses cannot exceed the limit; a success clears it.
  await countAttempt(ports, key);

  const user = await lookup;
  const valid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !valid) {
    // The log may tell the two apart (the answer never does): a known account under attack has an id.
    securityEvent('LOGIN_FAILED', { reason: user ? 'wrong password' : 'unknown email', userId: user?.id });
    throw new AuthError('INVALID_CREDENTIALS');
  }
  if (user.status === 'disabled') {
    securityEvent('LOGIN_DISABLED', { userId: user.id });
    throw new AuthError('DISABLED');
  }

  const { pair, familyId } = await openLogin(ports, user, startedAt, client.userAgent);
  await Promise.all([
    ports.sessions.clearLoginFailures(key),
    ports.users.recordLogin(user.id, new Date(startedAt).toISOString()),
  ]);
  securityEvent('LOGIN_SUCCEEDED', { userId: user.id, role: user.role, familyId });
  return pair;
}

/** A new login (token family) for a user whose password was just checked. */
export async function openLogin(
  ports: AuthPorts,
  user: UserRecord,
  startedAt: number,
  userAgent?: string,
): Promise<{ pair: TokenPair; familyId: string }> {
  const familyId = ports.newId();
  const endsAt = loginEndsAt(user.role, startedAt);
  const pair = await mintPair(ports, user, familyId);
  const agent = userAgent?.trim().slice(0, 256);
  await ports.sessions.startFamily(
    { id: familyId, userId: user.id, startedAt, endsAt, ...(agent ? { userAgent: agent } : {}) },
    {
      refreshHash: pair.refreshHash,
      refreshExpiresAt: refreshExpiresAt(user.role, ports.clock.now().getTime(), endsAt),
    },
  );
  return { pair: pair.tokens, familyId };
}
