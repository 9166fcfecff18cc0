/**
 * Refresh: each refresh token works once and is replaced by a new one, within the login's idle time and
 * hard end. Presenting one that was already used means it leaked (or raced): the whole login is ended.
 */
import { AuthError } from '../domain/errors';
import { loginIsLive, refreshExpiresAt } from '../domain/login-state';
import { parseRefreshToken, refreshTokenHash } from '../domain/refresh-token';
import type { AuthPorts } from '../ports';
import { securityEvent } from '../security-log';
import { mintPair, type TokenPair } from './tokens';

export async function refresh(ports: AuthPorts, refreshToken: string): Promise<TokenPair> {
  const hash = refreshTokenHash(refreshToken);
  const now = ports.clock.now().getTime();
  const found = await lookUp(ports, hash, refreshToken);
  if (!found || found.record.expiresAt * 1000 <= now) throw new AuthError('UNAUTHORIZED');
  const { record, login, account, user } = found;
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

/**
 * The token's record with its login's access state and its user, all strongly consistent. A token that names its
 * login and user is looked up in one round trip (the sessions read and the user read side by side); an older bare
 * token has its record read first. Undefined unless the token has a shape of ours and its record exists and names
 * the same login and user.
 */
async function lookUp(ports: AuthPorts, hash: string, token: string) {
  const shape = parseRefreshToken(token);
  if (!shape) return undefined;
  const owner = shape.owner ?? (await ports.sessions.findRefresh(hash));
  if (!owner) return undefined;
  const [{ record, ...state }, user] = await Promise.all([
    ports.sessions.refreshState(hash, owner.familyId, owner.userId),
    ports.users.findById(owner.userId),
  ]);
  if (!record || record.familyId !== owner.familyId || record.userId !== owner.userId) return undefined;
  return { record, ...state, user };
}
