/**
 * Refresh tokens: a random secret; only the SHA-256 of the whole token is ever stored. The token also names its
 * login and user (`<familyId>.<userId>.<secret>`, neither of them secret), so a refresh can read the token's
 * record, the login's state and the user side by side; the stored record, found by the hash, must name the same
 * pair. Tokens issued before they carried the pair are the secret alone.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface RefreshTokenOwner {
  familyId: string;
  userId: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SECRET = '[A-Za-z0-9_-]{43}'; // 32 bytes, base64url
const NAMED = new RegExp(`^(${UUID})\\.(${UUID})\\.${SECRET}$`);
// Tokens minted before they named their owner: none is left 30 days (the longest login) after that change.
const BARE = new RegExp(`^${SECRET}$`);

export function newRefreshToken({ familyId, userId }: RefreshTokenOwner): string {
  return `${familyId}.${userId}.${randomBytes(32).toString('base64url')}`;
}

/**
 * What a presented token is: one that names its login and user, an older bare secret (`{}`), or undefined for
 * anything else, which no token of ours matches: it is refused without a read, and no text of it reaches a key.
 */
export function parseRefreshToken(token: string): { owner?: RefreshTokenOwner } | undefined {
  const named = NAMED.exec(token);
  if (named) return { owner: { familyId: named[1]!, userId: named[2]! } };
  return BARE.test(token) ? {} : undefined;
}

export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
