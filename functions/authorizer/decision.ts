/**
 * The authorizer's decision, one piece of code for both places it runs: the API Gateway TOKEN
 * authorizer (handler.ts) and, where a deployment has no Lambda authorizers (LocalStack's free
 * edition), the check inside each guarded function (in-function.ts).
 */
import { bearerToken, tokenSettings, verifyAccessToken, type AccessClaims } from '../auth/domain/access-token';
import { KeySourceError, publicKeys } from './public-keys';
import { isRevoked } from './revocations';

/** The token is missing, invalid or revoked: a 401, never a 500. */
export class Unauthorized extends Error {
  constructor(cause?: unknown) {
    super('Unauthorized', { cause }); // API Gateway matches this message exactly
    this.name = 'Unauthorized';
  }
}

let verifier: { settings: ReturnType<typeof tokenSettings>; keys: ReturnType<typeof publicKeys> } | undefined;

/**
 * The claims of a valid, unrevoked access token from an `Authorization: Bearer …` value. Throws
 * Unauthorized for any bad token; a key source or revocation lookup that fails propagates as an
 * outage (fail closed, but visible as a 500 rather than a silent 401).
 */
export async function decide(authorization: string | undefined): Promise<AccessClaims> {
  verifier ??= { settings: tokenSettings(), keys: publicKeys() };
  const token = bearerToken(authorization);
  if (!token) throw new Unauthorized();
  let claims: AccessClaims;
  try {
    claims = await verifyAccessToken(token, verifier.keys, verifier.settings);
  } catch (error) {
    if (error instanceof KeySourceError) throw error;
    throw new Unauthorized(error);
  }
  if (await isRevoked(claims.jti)) throw new Unauthorized();
  return claims;
}
