/**
 * Login: the same scrypt work and the same answer for an unknown email as for a wrong password; after
 * 5 failures for one email from one source within 15 minutes, refused with growing waits before any hashing.
 */
import { createHash } from 'node:crypto';
import { backoffDelay, sleep, type Backoff } from '../../commons/retry';
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

/**
 * Looks at a key again (up to 20 times, about 3 s in all) while its limit is reached only with attempts still
 * running, which may yet succeed and clear it, or while another attempt is being counted.
 */
const LOOKS = 20;
const LOOK_AGAIN: Backoff = { baseMs: 25, capMs: 200, jitter: 'add-half' };

/** Counts this attempt, or says how long to wait when too many failed recently. */
async function countAttempt(ports: AuthPorts, key: string): Promise<void> {
  let wait = 1;
  for (let look = 1; look <= LOOKS; look++) {
    const { counted, running } = await ports.sessions.loginAttempts(key);
    const now = ports.clock.now().getTime();
    wait = retryAfterSeconds(counted, now);
    if (wait > 0 && running === 0) break;
    if (
      wait === 0 &&
      (await ports.sessions.reserveLoginAttempt(key, counted.length, recentFailures(counted, now), now))
    )
      return;
    await sleep(backoffDelay(look, LOOK_AGAIN));
  }
  // Failed attempts (or, after every look, attempts that never finished): refused without counting this one.
  securityEvent('LOGIN_THROTTLED', { retryAfterSeconds: Math.max(wait, 1) });
  throw new AuthError('THROTTLED', Math.max(wait, 1));
}

/**
 * Runs `check` (a password check) as an attempt counted on `key` before it starts, so parallel guesses cannot
 * exceed the limit. A success clears the key's failures; a failure stays counted.
 */
export async function throttledAttempt<T>(ports: AuthPorts, key: string, check: () => Promise<T>): Promise<T> {
  await countAttempt(ports, key);
  let result: T;
  try {
    result = await check();
  } catch (error) {
    // When this write fails the attempt still counts; it only keeps others waiting their few seconds of looks.
    await ports.sessions.settleLoginAttempt(key).catch(() => undefined);
    throw error;
  }
  await ports.sessions.clearLoginFailures(key);
  return result;
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
  const user = await throttledAttempt(ports, key, async () => {
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
    return user;
  });

  const [{ pair, familyId }] = await Promise.all([
    openLogin(ports, user, startedAt, client.userAgent),
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
