/**
 * The API Gateway TOKEN authorizer. Verifies the access token with the public key only (ES256; `none`,
 * HMAC, other keys, wrong iss/aud, expired and not-yet-valid tokens are refused), then checks it was
 * not revoked. Refusal is `Error('Unauthorized')`, which API Gateway answers with 401. Deliberately
 * free of the AWS SDK, middy and Powertools: the bundle is jose plus a few KB.
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { bearerToken, tokenSettings, verifyAccessToken, type AccessClaims } from '../auth/domain/access-token';
import { allow } from './policy';
import { KeySourceError, publicKeys } from './public-keys';
import { isRevoked } from './revocations';

const settings = tokenSettings();
const keys = publicKeys();

export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const token = bearerToken(event.authorizationToken);
  if (!token) throw new Error('Unauthorized');
  let claims: AccessClaims;
  try {
    claims = await verifyAccessToken(token, keys, settings);
  } catch (error) {
    if (error instanceof KeySourceError) throw error; // an outage: 500, visible in metrics, not a silent 401
    throw new Error('Unauthorized', { cause: error }); // API Gateway matches the message exactly
  }
  // A failing lookup is not a refusal: it propagates, and API Gateway answers 500 (fail closed, but visible).
  if (await isRevoked(claims.jti)) throw new Error('Unauthorized');
  return allow(claims.userId, event.methodArn, { userId: claims.userId, email: claims.email, role: claims.role });
}
