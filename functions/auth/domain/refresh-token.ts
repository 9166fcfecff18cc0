/** Refresh tokens: opaque random strings; only their SHA-256 is ever stored. */
import { createHash, randomBytes } from 'node:crypto';

export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
