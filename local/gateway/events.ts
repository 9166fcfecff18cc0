/** Builds the real API Gateway REST event shapes the deployed functions receive. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import type { RouteMatch } from './routing';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';
export const LOCAL_API_ID = 'localapi';
export const STAGE = 'prod';

export function methodArn(method: string, path: string): string {
  return `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${LOCAL_API_ID}/${STAGE}/${method}${path}`;
}

export function tokenEvent(token: string, arn: string): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken: token, methodArn: arn };
}

/**
 * Name → values, kept in a Map and turned into plain objects with own properties only: a client-chosen
 * name such as `__proto__` must become a key like any other, never the object's prototype.
 */
function maps(pairs: Iterable<[string, string]>) {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of pairs) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  return {
    single: Object.fromEntries([...grouped].map(([name, values]) => [name, values.at(-1)!])), // the last value wins, as in API Gateway
    multi: Object.fromEntries(grouped),
    empty: grouped.size === 0,
  };
}

function headerMaps(req: IncomingMessage) {
  const pairs: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const { single, multi } = maps(pairs);
  return { headers: single, multiValueHeaders: multi };
}

function queryMaps(url: URL) {
  const { single, multi, empty } = maps(url.searchParams);
  return empty ? { single: null, multi: null } : { single, multi };
}

export interface ProxyEventInput {
  req: IncomingMessage;
  url: URL;
  body: Buffer;
  match: RouteMatch;
  requestId: string;
  authorizer: Record<string, unknown> | null;
}

export function proxyEvent({ req, url, body, match, requestId, authorizer }: ProxyEventInput): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = headerMaps(req);
  const query = queryMaps(url);
  const now = new Date();
  const isText = body.length === 0 || isUtf8(body);
  return {
    resource: match.route.path,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: match.pathParameters,
    stageVariables: null,
    body: body.length === 0 ? null : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !isText,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: LOCAL_API_ID,
      authorizer,
      domainName: req.headers.host ?? 'localhost',
      httpMethod: req.method ?? 'GET',
      identity: callerIdentity(req.socket.remoteAddress ?? '127.0.0.1', req.headers['user-agent'] ?? null),
      path: `/${STAGE}${url.pathname}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: match.route.path,
      stage: STAGE,
    },
  };
}

function isUtf8(buffer: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch {
    return false;
  }
}

export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The request's `identity` as API Gateway gives it for a caller without IAM or Cognito credentials. */
export function callerIdentity(
  sourceIp: string,
  userAgent: string | null,
): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}
