/**
 * The API Gateway TOKEN authorizer. Verifies the access token with the public key only (ES256; `none`,
 * HMAC, other keys, wrong iss/aud, expired and not-yet-valid tokens are refused), then checks it was
 * not revoked. Refusal is `Error('Unauthorized')`, which API Gateway answers with 401. Deliberately
 * free of the AWS SDK, middy and Powertools: the bundle is jose plus a few KB.
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { authorizerContext, decide } from './decision';
import { allow } from './policy';

export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const decision = await decide(event.authorizationToken);
  return allow(decision.userId, event.methodArn, authorizerContext(decision));
}
