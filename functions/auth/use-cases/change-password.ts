/**
 * Password change by the signed-in user: the current password first, then the new hash, and every login
 * of the user ends at once (the presented one included). The answer is a fresh login, so the caller
 * stays signed in. Wrong current passwords are throttled per login, not per email: nobody else's failed
 * logins can stop a signed-in user from changing their password.
 */
import { createHash } from 'node:crypto';
import { AuthError } from '../domain/errors';
import { hashPassword, verifyPassword } from '../domain/password';
import { assertAcceptablePassword } from '../domain/password-policy';
import type { AuthPorts } from '../ports';
import type { PasswordChangeRequest } from '../schemas';
import { securityEvent } from '../security-log';
import { openLogin, throttledAttempt } from './login';
import { authenticate, type TokenPair } from './tokens';

const passwordCheckKey = (loginId: string) => createHash('sha256').update(`password:${loginId}`).digest('base64url');

export async function changePassword(
  ports: AuthPorts,
  bearer: string | undefined,
  input: PasswordChangeRequest,
  userAgent?: string,
): Promise<TokenPair> {
  const claims = await authenticate(ports, bearer);
  const user = await ports.users.findById(claims.userId);
  if (!user) throw new AuthError('UNAUTHORIZED');
  assertAcceptablePassword(input.newPassword, user.email, 'newPassword');
  const key = passwordCheckKey(claims.sid);
  await throttledAttempt(ports, key, async () => {
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      securityEvent('PASSWORD_CHANGE_FAILED', { userId: user.id });
      throw new AuthError('WRONG_PASSWORD');
    }
  });
  const changedAt = ports.clock.now().getTime();
  // One write: the new hash, and every login that started before `changedAt` is over.
  await ports.users.changePassword(
    user.id,
    user.passwordHash,
    await hashPassword(input.newPassword, ports.passwordCost),
    changedAt,
  );
  await ports.sessions.revokeFamily(claims.sid);
  const { pair, familyId } = await openLogin(ports, user, Math.max(changedAt, ports.clock.now().getTime()), userAgent);
  securityEvent('PASSWORD_CHANGED', { userId: user.id, familyId });
  return pair;
}
