/**
 * Login: the same scrypt work and the same answer for an unknown email as for a wrong password; after
 * 5 failures for one email within 15 minutes, refused (with the seconds to wait) before any hashing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AuthError } from '../domain/errors';
import { recentFailures, retryAfterSeconds } from '../domain/login-throttle';
import { DUMMY_HASH, verifyPassword } from '../domain/password';
import type { AuthPorts, UserRecord } from '../ports';
import type { LoginRequest } from '../schemas';
import { securityEvent } from '../security-log';
import { mintPair, type TokenPair } from './tokens';

/** The throttle key: a hash, so the sessions table holds no email addresses. */
export const throttleKey = (email: string) => createHash('sha256').update(`login:${email}`).digest('base64url');

const MAX_RESERVE_TRIES = 5;

/** Counts this attempt, or says how long to wait when the window is full. */
export async function countAttempt(ports: AuthPorts, key: string): Promise<void> {
  for (let tries = 0; tries < MAX_RESERVE_TRIES; tries++) {
    const failures = await ports.sessions.loginFailures(key);
    const now = ports.now();
    const wait = retryAfterSeconds(failures, now);
    if (wait > 0) {
      securityEvent('LOGIN_THROTTLED', { retryAfterSeconds: wait });
      throw new AuthError('THROTTLED', wait);
    }
    if (await ports.sessions.reserveLoginAttempt(key, failures.length, recentFailures(failures, now), now)) return;
  }
  // Heavy contention on one email: refuse briefly rather than let guesses through uncounted.
  throw new AuthError('THROTTLED', 1);
}

export async function login(ports: AuthPorts, input: LoginRequest): Promise<TokenPair> {
  // Before the user is read: a login that checked a password about to be changed counts as older than the change.
  const startedAt = ports.now();
  const key = throttleKey(input.email);
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

  const { pair, familyId } = await openLogin(ports, user, key, startedAt);
  securityEvent('LOGIN_SUCCEEDED', { userId: user.id, role: user.role, familyId });
  return pair;
}

/** A new login (token family) for a user whose password was just checked; its failed attempts are cleared. */
export async function openLogin(ports: AuthPorts, user: UserRecord, key: string, startedAt: number): Promise<{ pair: TokenPair; familyId: string }> {
  const familyId = randomUUID();
  const { pair, issued } = await mintPair(ports, user, familyId);
  await Promise.all([
    ports.sessions.clearLoginFailures(key),
    ports.sessions.startFamily({ id: familyId, userId: user.id, startedAt }, issued),
  ]);
  return { pair, familyId };
}
