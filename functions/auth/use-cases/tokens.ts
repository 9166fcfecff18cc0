/** Token plumbing shared by the use cases: minting a pair for a login, and checking a presented access token. */
import { createLocalJWKSet } from 'jose';
import {
  mintAccessToken,
  verifyAccessToken,
  ACCESS_TOKEN_TTL_SECONDS,
  type AccessClaims,
} from '../domain/access-token';
import { AuthError } from '../domain/errors';
import { currentSigningKey, publicKeySet, type KeySet } from '../domain/keys';
import { loginIsLive, type AccountState } from '../domain/login-state';
import { newRefreshToken, refreshTokenHash } from '../domain/refresh-token';
import type { AuthPorts, UserRecord } from '../ports';

export interface TokenPair {
  accessToken: string;
  token: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Mints an access token and a refresh token for one login (family); storing the refresh hash is the caller's job. */
export async function mintPair(
  ports: AuthPorts,
  user: UserRecord,
  familyId: string,
): Promise<{ tokens: TokenPair; refreshHash: string }> {
  const signing = await currentSigningKey(await ports.keys.privateKeySet());
  const { token } = await mintAccessToken(signing, ports.settings, {
    userId: user.id,
    email: user.email,
    role: user.role,
    jti: ports.newId(),
    sid: familyId,
    now: ports.clock.now().getTime(),
  });
  const refreshToken = newRefreshToken({ familyId, userId: user.id });
  return {
    tokens: { accessToken: token, token, refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS },
    refreshHash: refreshTokenHash(refreshToken),
  };
}

const verifierCache = new WeakMap<KeySet, ReturnType<typeof createLocalJWKSet>>();

/**
 * The claims of a valid access token of a live login (the authorizer's rule), with the user's access state
 * it was checked against; AuthError UNAUTHORIZED otherwise.
 */
export async function authenticate(
  ports: AuthPorts,
  token: string | undefined,
): Promise<AccessClaims & { sid: string; account: AccountState }> {
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
  const { sid } = claims;
  if (!sid) throw new AuthError('UNAUTHORIZED');
  const { login, account } = await ports.sessions.accessState(sid, claims.userId);
  if (!loginIsLive(login, account, claims.userId, ports.clock.now().getTime())) throw new AuthError('UNAUTHORIZED');
  return { ...claims, sid, account };
}
