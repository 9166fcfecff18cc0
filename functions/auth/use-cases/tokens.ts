/** Token plumbing shared by the use cases: minting a pair for a login, and checking a presented access token. */
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet } from 'jose';
import { mintAccessToken, verifyAccessToken, ACCESS_TOKEN_TTL_SECONDS, type AccessClaims } from '../domain/access-token';
import { AuthError } from '../domain/errors';
import { currentSigningKey, publicKeySet, type KeySet } from '../domain/keys';
import { newRefreshToken, refreshTokenHash, REFRESH_TOKEN_TTL_SECONDS } from '../domain/refresh-token';
import type { AuthPorts, IssuedTokens, UserRecord } from '../ports';

export interface TokenPair { accessToken: string; token: string; refreshToken: string; tokenType: 'Bearer'; expiresIn: number }

/** Mints an access token and a refresh token for one login (family); storing them is the caller's job. */
export async function mintPair(ports: AuthPorts, user: UserRecord, familyId: string): Promise<{ pair: TokenPair; issued: IssuedTokens }> {
  const now = ports.now();
  const jti = randomUUID();
  const signing = await currentSigningKey(await ports.keys.privateKeySet());
  const { token, exp } = await mintAccessToken(signing, ports.settings, { userId: user.id, email: user.email, role: user.role, jti, sid: familyId, now });
  const refreshToken = newRefreshToken();
  return {
    pair: { accessToken: token, token, refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS },
    issued: {
      refreshHash: refreshTokenHash(refreshToken),
      refreshExpiresAt: Math.floor(now / 1000) + REFRESH_TOKEN_TTL_SECONDS,
      accessJti: jti,
      accessExpiresAt: exp,
    },
  };
}

const verifierCache = new WeakMap<KeySet, ReturnType<typeof createLocalJWKSet>>();

/** The claims of a valid, unrevoked access token; AuthError UNAUTHORIZED otherwise. */
export async function authenticate(ports: AuthPorts, token: string | undefined): Promise<AccessClaims> {
  if (!token) throw new AuthError('UNAUTHORIZED');
  const privateKeys = await ports.keys.privateKeySet();
  let keys = verifierCache.get(privateKeys);
  if (!keys) {
    keys = createLocalJWKSet(publicKeySet(privateKeys));
    verifierCache.set(privateKeys, keys);
  }
  let claims: AccessClaims;
  try {
    claims = await verifyAccessToken(token, keys, ports.settings);
  } catch {
    throw new AuthError('UNAUTHORIZED');
  }
  if (await ports.sessions.isRevoked(claims.jti)) throw new AuthError('UNAUTHORIZED');
  return claims;
}
