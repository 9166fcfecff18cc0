/**
 * Refresh: each refresh token works once and is replaced by a new one, within the login's idle time and
 * hard end. Presenting one that was already used means it leaked (or raced): the whole login is ended.
 */
import { AuthError } from '../domain/errors';
import { loginIsLive, refreshExpiresAt } from '../domain/login-state';
import { refreshTokenHash } from '../domain/refresh-token';
import type { AuthPorts } from '../ports';
import { securityEvent } from '../security-log';
import { mintPair, type TokenPair } from './tokens';

export async function refresh(ports: AuthPorts, refreshToken: string): Promise<TokenPair> {
  const hash = refreshTokenHash(refreshToken);
  const now = ports.clock.now().getTime();
  const record = await ports.sessions.findRefresh(hash);
  if (!record || record.expiresAt * 1000 <= now) throw new AuthError('UNAUTHORIZED');

  // Both reads need only the refresh token's record: one round trip, not two.
  const [{ login, account }, user] = await Promise.all([
    ports.sessions.accessState(record.familyId, record.userId),
    ports.users.findById(record.userId),
  ]);
  if (record.used || !login || !loginIsLive(login, account, record.userId, now)) {
    await ports.sessions.revokeFamily(record.familyId);
    // A used token presented again is a theft signal; a token of a login already ended (logout, password change) is routine.
    securityEvent(record.used ? 'REFRESH_TOKEN_REUSED' : 'REFRESH_AFTER_REVOCATION', {
      userId: record.userId,
      familyId: record.familyId,
    });
    throw new AuthError('UNAUTHORIZED');
  }
  if (!user) throw new AuthError('UNAUTHORIZED');

  const { tokens, refreshHash } = await mintPair(ports, user, record.familyId);
  const issued = { refreshHash, refreshExpiresAt: refreshExpiresAt(user.role, now, login.endsAt) };
  if (!(await ports.sessions.rotate(hash, record, issued, now))) {
    // Someone exchanged the same token a moment ago: treat it as reuse.
    await ports.sessions.revokeFamily(record.familyId);
    securityEvent('REFRESH_TOKEN_REUSED', { userId: record.userId, familyId: record.familyId, concurrent: true });
    throw new AuthError('UNAUTHORIZED');
  }
  return tokens;
}
