/**
 * The local stand-in for API Gateway (REST): matches routes from system/routes.ts, runs the
 * TOKEN authorizer where a route needs it, evaluates its policy, invokes the function with the real
 * proxy event, and answers the gateway's own errors in the contract's problem+json shape.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { problemOf } from '../../system/problem';
import { MAX_BODY_BYTES } from '../../system/limits';
import type { FunctionSet } from '../functions';
import { CORS } from '../../system/cors';
import { AUTHORIZER_CACHE_TTL_SECONDS } from '../../system/routes';
import { withTimeout } from '../../functions/commons/timeout';
import { lambdaContext, methodArn, proxyEvent, tokenEvent } from './events';
import { isAllowed } from './policy';
import { createRouter, type RouteMatch } from './routing';

export type { FunctionSet, LambdaHandler } from '../functions';
/** Local-only pages (the dashboard) served beside the API. */
export type LocalPage = (req: IncomingMessage, res: ServerResponse) => void;

export interface GatewayOptions {
  port: number;
  host?: string;
  functions: FunctionSet;
  pages?: Record<string, LocalPage>;
  integrationTimeoutMs?: number;
  /**
   * False: no Lambda authorizer, as on LocalStack's free edition; the guarded functions check the token
   * themselves (REQUIRE_TOKEN_IN_FUNCTION). Default true.
   */
  authorizer?: boolean;
  accessLog?: (line: Record<string, unknown>) => void;
  /** Origins whose browser scripts may call the API (system/cors.ts); none: no CORS. */
  corsOrigins?: string[];
  /** The web app (local/web-app.ts): asked for a path no route matches; true when it answered. */
  app?: (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean;
}

class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: Buffer | string,
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(body);
}

function sendProblem(res: ServerResponse, requestId: string, error: GatewayError, cors: boolean): void {
  // As the deployed gateway responses: readable from any origin once CORS is on (they carry no data).
  const corsHeaders: Record<string, string> = cors ? { 'Access-Control-Allow-Origin': '*' } : {};
  // As the deployed gateway responses: never cached, and a 401 names the scheme it wants (RFC 6750).
  const challenge: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  send(
    res,
    error.status,
    {
      'Content-Type': 'application/problem+json',
      'Cache-Control': 'no-store',
      'x-amzn-RequestId': requestId,
      ...challenge,
      ...corsHeaders,
      ...error.headers,
    },
    JSON.stringify(problemOf(error.status, error.detail)),
  );
}

/** A preflight's answer: the allowed methods and headers, and the origin only when it is one of ours. */
function preflightHeaders(origins: string[], origin: string | undefined): Record<string, string> {
  const allowed: Record<string, string> =
    origin && origins.includes(origin.toLowerCase()) ? { 'Access-Control-Allow-Origin': origin } : {};
  return {
    ...allowed,
    Vary: 'Origin',
    'Access-Control-Allow-Methods': CORS.allowMethods.join(','),
    'Access-Control-Allow-Headers': CORS.allowHeaders.join(','),
    'Access-Control-Max-Age': String(CORS.maxAgeSeconds),
  };
}

/**
 * Only names of this machine: a web page whose own domain resolves to 127.0.0.1 (DNS rebinding) sends its
 * domain as Host, and is refused before it can reach the API with the public demo login.
 */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return reject(new GatewayError(413, 'The request body is larger than 64 KiB'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new GatewayError(413, 'The request body is larger than 64 KiB'));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const integrationTimeout = () => new GatewayError(504, 'The integration did not answer in time');

export function startGateway(
  options: GatewayOptions,
): Promise<{ server: Server; port: number; stop: () => Promise<void> }> {
  const lookup = createRouter();
  const timeoutMs = options.integrationTimeoutMs ?? 29_000;
  const cache = new Map<string, { result: APIGatewayAuthorizerResult; expires: number }>();
  const corsOrigins = options.corsOrigins ?? [];

  async function authorize(req: IncomingMessage, arn: string, requestId: string): Promise<Record<string, unknown>> {
    const token = req.headers.authorization;
    if (!token) throw new GatewayError(401, 'A valid access token is required');
    const cached = cache.get(token);
    let result = cached && cached.expires > Date.now() ? cached.result : undefined;
    if (!result) {
      try {
        const authorizer = options.functions.authorizer as unknown as (
          e: unknown,
          c: Context,
        ) => Promise<APIGatewayAuthorizerResult>;
        result = await withTimeout(
          authorizer(tokenEvent(token, arn), lambdaContext('authorizer', 10_000)),
          10_000,
          integrationTimeout,
        );
      } catch (error) {
        if ((error as Error).message === 'Unauthorized')
          throw new GatewayError(401, 'A valid access token is required');
        if (error instanceof GatewayError) throw error;
        options.accessLog?.({ requestId, event: 'authorizer-error', errorName: (error as Error)?.name });
        throw new GatewayError(500, 'The authorizer failed');
      }
      if (AUTHORIZER_CACHE_TTL_SECONDS > 0)
        cache.set(token, { result, expires: Date.now() + AUTHORIZER_CACHE_TTL_SECONDS * 1000 });
    }
    if (!isAllowed(result, arn)) throw new GatewayError(403, 'The access token does not allow this request');
    return { ...(result.context ?? {}), principalId: result.principalId };
  }

  async function invoke(match: RouteMatch, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const fn = options.functions[match.route.function] as unknown as (
      e: APIGatewayProxyEvent,
      c: Context,
    ) => Promise<APIGatewayProxyResult>;
    const result = await withTimeout(
      fn(event, lambdaContext(match.route.function, timeoutMs)),
      timeoutMs,
      integrationTimeout,
    );
    if (!result || typeof result.statusCode !== 'number')
      throw new GatewayError(502, 'The integration returned a malformed response');
    return result;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const started = Date.now();
    let status = 500;
    let resource = '(none)';
    try {
      if (!LOOPBACK_HOST.test(req.headers.host ?? ''))
        throw new GatewayError(403, 'This local gateway answers only to localhost and 127.0.0.1');
      const url = new URL(req.url ?? '/', 'http://localhost');
      const page = options.pages?.[url.pathname];
      if (page && req.method === 'GET') {
        resource = url.pathname;
        res.setHeader('X-Content-Type-Options', 'nosniff');
        page(req, res);
        status = res.statusCode;
        return;
      }
      const found = lookup(req.method ?? 'GET', url.pathname);
      if (found.kind === 'not-found' && options.app?.(req, res, url.pathname)) {
        resource = 'web app';
        status = res.statusCode;
        return;
      }
      if (found.kind === 'not-found') throw new GatewayError(404, 'No route matches this path');
      if (found.kind === 'method-not-allowed' && req.method === 'OPTIONS' && corsOrigins.length > 0) {
        // The preflight, answered by the gateway itself as API Gateway's CORS mock integration is (an origin not
        // ours gets none named here; there it gets the first configured one: either way the browser refuses).
        resource = `OPTIONS ${url.pathname}`;
        status = 204;
        send(res, status, preflightHeaders(corsOrigins, req.headers.origin), '');
        return;
      }
      if (found.kind === 'method-not-allowed') {
        throw new GatewayError(405, `This path answers ${found.allowed.join(', ')}`, {
          Allow: found.allowed.join(', '),
        });
      }
      const { match } = found;
      resource = `${match.route.method} ${match.route.path}`;
      const body = await readBody(req);
      const arn = methodArn(match.route.method, url.pathname);
      const authorizer =
        match.route.authorized && options.authorizer !== false ? await authorize(req, arn, requestId) : null;
      const result = await invoke(match, proxyEvent({ req, url, body, match, requestId, authorizer }));
      const headers: Record<string, string | string[]> = { 'x-amzn-RequestId': requestId };
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
      status = result.statusCode;
      send(
        res,
        status,
        headers,
        result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''),
      );
    } catch (error) {
      const gatewayError = error instanceof GatewayError ? error : new GatewayError(502, 'The integration failed');
      if (!(error instanceof GatewayError))
        options.accessLog?.({ requestId, event: 'integration-error', errorName: (error as Error)?.name });
      status = gatewayError.status;
      sendProblem(res, requestId, gatewayError, corsOrigins.length > 0);
    } finally {
      // Access log: no bodies, no query strings, no headers: nothing personal.
      options.accessLog?.({ requestId, method: req.method, resource, status, latencyMs: Date.now() - started });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n' +
          JSON.stringify(problemOf(400, 'Malformed HTTP request')),
      );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        server,
        port,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
