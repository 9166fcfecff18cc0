/**
 * Refresh: each refresh token works once and is replaced by a new one. Presenting one that was already
 * used means it leaked (or raced): the whole login is revoked, its live access tokens included.
 */
import { AuthError } from '../domain/errors';
import { refreshTokenHash } from '../domain/refresh-token';
import type { AuthPorts } from '../ports';
import { securityEvent } from '../security-log';
import { mintPair, type TokenPair } from './tokens';

export async function refresh(ports: AuthPorts, refreshToken: string): Promise<TokenPair> {
  const hash = refreshTokenHash(refreshToken);
  const nowSeconds = Math.floor(ports.now() / 1000);
  const record = await ports.sessions.findRefresh(hash);
  if (!record || record.expiresAt <= nowSeconds) throw new AuthError('UNAUTHORIZED');

  const family = await ports.sessions.findFamily(record.familyId);
  if (record.used || !family || family.revoked) {
    await ports.sessions.revokeFamily(record.familyId, nowSeconds);
    // A used token presented again is a theft signal; a token of a login already ended (logout) is routine.
    securityEvent(record.used ? 'REFRESH_TOKEN_REUSED' : 'REFRESH_AFTER_REVOCATION', { userId: record.userId, familyId: record.familyId });
    throw new AuthError('UNAUTHORIZED');
  }
  const user = await ports.users.findById(record.userId);
  if (!user) throw new AuthError('UNAUTHORIZED');
  // A login older than the last password change is over.
  if (user.passwordChangedAt !== undefined && (family.startedAt ?? 0) < user.passwordChangedAt) {
    await ports.sessions.revokeFamily(family.id, nowSeconds);
    securityEvent('REFRESH_AFTER_REVOCATION', { userId: user.id, familyId: family.id });
    throw new AuthError('UNAUTHORIZED');
  }

  const { pair, issued } = await mintPair(ports, user, family.id);
  if (!(await ports.sessions.rotate(hash, family.id, issued))) {
    // Someone exchanged the same token a moment ago: treat it as reuse.
    await ports.sessions.revokeFamily(family.id, nowSeconds);
    securityEvent('REFRESH_TOKEN_REUSED', { userId: record.userId, familyId: family.id, concurrent: true });
    throw new AuthError('UNAUTHORIZED');
  }
  return pair;
}
