/**
 * Login: the same scrypt work and the same answer for an unknown email as for a wrong password; after
 * 5 failures for one email within 15 minutes, refused (with the seconds to wait) before any hashing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AuthError } from '../domain/errors';
import { recentFailures, retryAfterSeconds } from '../domain/login-throttle';
import { DUMMY_HASH, verifyPassword } from '../domain/password';
import type { AuthPorts } from '../ports';
import type { LoginRequest } from '../schemas';
import { mintPair, type TokenPair } from './tokens';

/** The throttle key: a hash, so the sessions table holds no email addresses. */
const throttleKey = (email: string) => createHash('sha256').update(`login:${email}`).digest('base64url');

export async function login(ports: AuthPorts, input: LoginRequest): Promise<TokenPair> {
  const key = throttleKey(input.email);
  const failures = await ports.sessions.loginFailures(key);
  const wait = retryAfterSeconds(failures, ports.now());
  if (wait > 0) throw new AuthError('THROTTLED', wait);

  const user = await ports.users.findByEmail(input.email);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !valid) {
    const now = ports.now();
    await ports.sessions.recordLoginFailure(key, now, recentFailures(failures, now).length === 0);
    throw new AuthError('INVALID_CREDENTIALS');
  }
  if (failures.length > 0) await ports.sessions.clearLoginFailures(key);

  const familyId = randomUUID();
  const { pair, issued } = await mintPair(ports, user, familyId);
  await ports.sessions.startFamily({ id: familyId, userId: user.id }, issued);
  return pair;
}
