/** The IAM policy a TOKEN authorizer returns: Allow on the whole API, so one decision fits every route. */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

/** `arn:aws:execute-api:region:account:apiId/stage/METHOD/path` → `arn:aws:execute-api:region:account:apiId/stage/*\/*` */
export function apiWildcardArn(methodArn: string): string {
  // The API id ends the colon-separated part; stage and method follow as path segments.
  const [prefix, stage, method] = methodArn.split('/') as [string, string?, string?];
  if (!prefix.startsWith('arn:') || !stage || !method) throw new Error('Unexpected methodArn');
  const parts = prefix.split(':');
  if (parts.length !== 6) throw new Error('Unexpected methodArn');
  return `${prefix}/${stage}/*/*`;
}

export function allow(
  principalId: string,
  methodArn: string,
  context: Record<string, string>,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: apiWildcardArn(methodArn) }],
    },
    context,
  };
}
