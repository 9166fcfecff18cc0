/**
 * Password change by the signed-in user: the current password first (counted by the same failed-login
 * throttle as login), then the new hash, and every earlier login ends. The presented one at once (its
 * access tokens too); the others at their next refresh, their access tokens within their 15 minutes.
 * The answer is a fresh login, so the caller stays signed in.
 */
import { AuthError } from '../domain/errors';
import { hashPassword, verifyPassword } from '../domain/password';
import type { AuthPorts } from '../ports';
import type { PasswordChangeRequest } from '../schemas';
import { securityEvent } from '../security-log';
import { countAttempt, openLogin, throttleKey } from './login';
import { authenticate, type TokenPair } from './tokens';

export async function changePassword(ports: AuthPorts, bearer: string | undefined, input: PasswordChangeRequest): Promise<TokenPair> {
  const claims = await authenticate(ports, bearer);
  const user = await ports.users.findById(claims.userId);
  if (!user) throw new AuthError('UNAUTHORIZED');
  const key = throttleKey(user.email);
  await countAttempt(ports, key);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    securityEvent('PASSWORD_CHANGE_FAILED', { userId: user.id });
    throw new AuthError('WRONG_PASSWORD');
  }
  const changedAt = ports.now();
  await ports.users.changePassword(user.id, user.passwordHash, await hashPassword(input.newPassword, ports.passwordCost), changedAt);
  if (claims.sid) await ports.sessions.revokeFamily(claims.sid, Math.floor(changedAt / 1000));
  const { pair, familyId } = await openLogin(ports, user, key, ports.now());
  securityEvent('PASSWORD_CHANGED', { userId: user.id, familyId });
  return pair;
}
