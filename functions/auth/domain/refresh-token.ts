/**
 * Refresh tokens: a random secret; only the SHA-256 of the whole token is ever stored. The token also names its
 * login and user (`<familyId>.<userId>.<secret>`, neither of them secret), so a refresh can read the token's
 * record, the login's state and the user in one round trip; the stored record, found by the hash, must name the
 * same pair. Tokens issued before they carried the pair are the secret alone.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface RefreshTokenOwner {
  familyId: string;
  userId: string;
}

export function newRefreshToken({ familyId, userId }: RefreshTokenOwner): string {
  return `${familyId}.${userId}.${randomBytes(32).toString('base64url')}`;
}

/** The login and user a token names; undefined for a token that names none (an older one, or not ours). */
export function refreshTokenOwner(token: string): RefreshTokenOwner | undefined {
  const [familyId, userId, secret, ...rest] = token.split('.');
  return familyId && userId && secret && rest.length === 0 ? { familyId, userId } : undefined;
}

export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
