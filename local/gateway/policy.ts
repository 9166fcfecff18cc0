/** Evaluates an authorizer's IAM policy against a method ARN, as API Gateway does (explicit Deny wins). */
import type { APIGatewayAuthorizerResult, Statement } from 'aws-lambda';

function arnMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(arn);
}

function statementMatches(statement: Statement, methodArn: string): boolean {
  const s = statement as { Action?: string | string[]; Resource?: string | string[] };
  const actions = ([] as string[]).concat(s.Action ?? []);
  const resources = ([] as string[]).concat(s.Resource ?? []);
  const actionOk = actions.some((a) => a === '*' || a === 'execute-api:*' || a === 'execute-api:Invoke');
  return actionOk && resources.some((r) => arnMatches(r, methodArn));
}

export function isAllowed(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  const statements = result.policyDocument?.Statement ?? [];
  const matching = statements.filter((s) => statementMatches(s, methodArn));
  if (matching.some((s) => s.Effect === 'Deny')) return false;
  return matching.some((s) => s.Effect === 'Allow');
}
