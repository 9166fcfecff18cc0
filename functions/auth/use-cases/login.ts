/**
 * Login: the same scrypt work and the same answer for an unknown email as for a wrong password; after
 * 5 failures for one email from one source within 15 minutes, refused with growing waits before any hashing.
 */
import { createHash } from 'node:crypto';
import { retry, type RetryOptions } from '../../commons/retry';
import { AuthError } from '../domain/errors';
import { loginEndsAt, refreshExpiresAt } from '../domain/login-state';
import { throttleDecision } from '../domain/login-throttle';
import { DUMMY_HASH, verifyPassword } from '../domain/password';
import type { AuthPorts, UserRecord } from '../ports';
import type { LoginRequest } from '../schemas';
import { securityEvent } from '../security-log';
import { mintPair, type TokenPair } from './tokens';

/** The throttle key of one email from one source address: a hash, so the sessions table holds neither. */
export const throttleKey = (email: string, source: string) =>
  createHash('sha256').update(`login:${email}:${source}`).digest('base64url');

/** Thrown to look at a key again shortly: its limit is reached only with attempts still running, or it changed meanwhile. */
class LookAgain extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('look again');
  }
}

/** About 3 s of looks in all, then the login is refused (Retry-After: until the running attempts count as failed). */
const LOOKS: Pick<RetryOptions, 'attempts' | 'backoff'> = {
  attempts: 15,
  backoff: { baseMs: 25, capMs: 200, jitter: 'add-half' },
};

/** Counts attempt `id` as running on `key`, or refuses it (THROTTLED) when too many failed recently. */
async function countAttempt(ports: AuthPorts, key: string, id: string): Promise<void> {
  try {
    await retry(
      async () => {
        const seen = await ports.sessions.loginAttempts(key);
        const at = ports.clock.now().getTime();
        const decision = throttleDecision(seen, at);
        if (decision.kind === 'refuse') throw new AuthError('THROTTLED', decision.retryAfterSeconds);
        if (decision.kind === 'wait') throw new LookAgain(decision.retryAfterSeconds);
        if (!(await ports.sessions.reserveLoginAttempt(key, seen, { id, at, ...decision }))) throw new LookAgain(1);
      },
      { ...LOOKS, retryable: (error) => error instanceof LookAgain },
    );
  } catch (error) {
    const refused = error instanceof LookAgain ? new AuthError('THROTTLED', error.retryAfterSeconds) : error;
    if (refused instanceof AuthError && refused.kind === 'THROTTLED')
      securityEvent('LOGIN_THROTTLED', { retryAfterSeconds: refused.retryAfterSeconds });
    throw refused;
  }
}

/**
 * Runs `check` (a password check) as an attempt counted on `key` before it starts, so parallel guesses cannot
 * exceed the limit. A success clears the key; a failure stays counted.
 */
export async function throttledAttempt<T>(ports: AuthPorts, key: string, check: () => Promise<T>): Promise<T> {
  const id = ports.newId();
  await countAttempt(ports, key, id);
  let result: T;
  try {
    result = await check();
  } catch (error) {
    // Should this write fail, the attempt counts as failed once it has run for RUNNING_MS.
    await ports.sessions.settleLoginAttempt(key, id, ports.clock.now().getTime()).catch(() => undefined);
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
