/** Real API Gateway REST event shapes for calling the auth handlers directly, and the test set-up they need. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import type { JWK } from 'jose';
import { ensureLocalSigningKeys } from '../../../functions/auth/local-keys';
import { useLocalTables } from '../../support/tables';
import { callerIdentity } from '../../../local/gateway/events';

export const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:testapi/prod/GET/api/patients';

/** Own tables, fresh keys in a temp dir, and the environment the deployed functions would have. */
export async function useAuthEnvironment(): Promise<{ signingJwk: JWK; keysDir: string }> {
  await useLocalTables();
  const keysDir = mkdtempSync(join(tmpdir(), 'auth-it-'));
  const files = await ensureLocalSigningKeys(keysDir);
  Object.assign(process.env, {
    MAILBOX_FILE: join(keysDir, 'mailbox.jsonl'),
    SIGNING_KEYS_FILE: files.signingKeysFile,
    PUBLIC_JWKS_FILE: files.publicJwksFile,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  const signingJwk = (JSON.parse(readFileSync(files.signingKeysFile, 'utf8')) as { keys: JWK[] }).keys[0]!;
  return { signingJwk, keysDir };
}

export interface EventInput {
  body?: unknown;
  headers?: Record<string, string>;
  rawBody?: string;
  path?: string;
}

export function apiEvent(method: string, resource: string, input: EventInput = {}): APIGatewayProxyEvent {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(input.headers ?? {}) };
  const body = input.rawBody ?? (input.body === undefined ? null : JSON.stringify(input.body));
  return {
    resource,
    path: input.path ?? resource,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'testapi',
      authorizer: null,
      domainName: 'testapi.execute-api.eu-west-1.amazonaws.com',
      httpMethod: method,
      path: `/prod${resource}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'abc',
      resourcePath: resource,
      stage: 'prod',
      identity: callerIdentity('127.0.0.1', 'jest'),
    },
  };
}

export function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function tokenEvent(authorizationToken: string, methodArn = METHOD_ARN): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken, methodArn };
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export function parse(result: APIGatewayProxyResult): Response {
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  return {
    status: result.statusCode,
    headers,
    body: result.body ? (JSON.parse(result.body) as Record<string, unknown>) : {},
  };
}

export const uniqueEmail = (tag = 'user') => `${tag}-${randomUUID().slice(0, 8)}@Example.COM`;
