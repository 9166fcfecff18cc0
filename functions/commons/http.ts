/**
 * The HTTP edge of every API function: JSON and problem+json responses, body parsing with a schema,
 * and one wrapper that turns thrown errors into the contract's problem shape (never a stack trace).
 */
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from './zod';
import { HttpError, isDependencyUnavailable, problemOf, type FieldError } from './errors';
import { MAX_BODY_BYTES } from '../../system/limits';
import { logger } from './logger';
import { CORS, CORS_ORIGINS_VARIABLE, corsOrigins } from '../../system/cors';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The handler of the event's route in a function's dispatch table (keyed `METHOD /path`; type the table as
 * `Record<RouteKey<'fn'>, …>` from system/routes.ts, so a route without a handler fails `tsc`). An alias
 * (`/auth/login`) answers as the route it aliases; a path the table lacks → 404, a method → 405.
 */
export function handlerFor<H>(
  table: Record<string, H>,
  event: Pick<APIGatewayProxyEvent, 'httpMethod' | 'resource'>,
  aliases: Record<string, string> = {},
): H {
  const resource = Object.hasOwn(aliases, event.resource) ? aliases[event.resource]! : event.resource;
  const key = `${event.httpMethod} ${resource}`;
  if (Object.hasOwn(table, key)) return table[key]!;
  if (!Object.keys(table).some((k) => k.endsWith(` ${resource}`)))
    throw new HttpError(404, 'No route matches this path');
  throw new HttpError(405, 'This method is not allowed on this resource');
}

/**
 * On every answer: never sniffed into another type, never stored by a cache (answers carry personal data
 * or tokens; a route that may be cached, like the JWKS, says so itself).
 */
export const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' } as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...BASE_HEADERS, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: 204, headers: { ...BASE_HEADERS, ...headers }, body: '' };
}

/** A problem+json answer; a 401 names the scheme it wants (RFC 6750). */
export function problem(
  status: number,
  detail: string,
  errors?: FieldError[],
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      ...BASE_HEADERS,
      'Content-Type': 'application/problem+json',
      ...(status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}),
      ...headers,
    },
    body: JSON.stringify(problemOf(status, detail, errors)),
  };
}

/** Header lookup that ignores case, as HTTP does. */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** zod issues → the contract's `errors` list (`field` is the dotted path, e.g. `address.city`). */
export function fieldErrors(error: z.core.$ZodError): FieldError[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const parent = issue.path.join('.');
      return { field: issue.keys.map((k) => (parent ? `${parent}.${k}` : k)).join(', '), message: 'Unknown field' };
    }
    return { field: issue.path.join('.') || '(body)', message: issue.message };
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Every string in a parsed JSON value, keys included, is valid Unicode (no lone surrogate, which I-JSON, RFC 7493,
 * forbids). Walked with a stack of its own, not recursion: a body nested thousands deep is no stack overflow.
 */
function wellFormed(parsed: unknown): boolean {
  const pending: unknown[] = [parsed];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return false;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, entry] of Object.entries(value)) pending.push(key, entry);
    }
  }
  return true;
}

/** Parses and validates a JSON body: malformed JSON, unknown fields or bad values → 400; too large → 413. */
export function parseBody<S extends z.ZodMiniType>(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
  schema: S,
): z.infer<S> {
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (raw === null || raw === undefined || raw.trim() === '')
    throw new HttpError(400, 'A JSON request body is required');
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES)
    throw new HttpError(413, 'The request body is larger than 64 KiB');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON');
  }
  if (!wellFormed(parsed)) throw new HttpError(400, 'The request body holds a string that is not valid Unicode');
  const result = schema.safeParse(parsed);
  if (!result.success) throw new HttpError(400, 'The request body is invalid', fieldErrors(result.error));
  return result.data;
}

/** Validates the query string with a schema: unknown values or a bad one → 400 naming the parameter. */
export function parseQuery<S extends z.ZodMiniType>(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>,
  schema: S,
): z.infer<S> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) throw new HttpError(400, 'The query is invalid', fieldErrors(result.error));
  return result.data;
}

/**
 * `error`, or in its place the 503 (Retry-After) for a dependency that did not answer, logged (its name and the
 * route, no personal data) since it is an outage to see.
 */
export function withOutageAnswered(
  error: unknown,
  request: { resource?: string | null; httpMethod?: string },
): unknown {
  if (!isDependencyUnavailable(error)) return error;
  logger.warn('A dependency did not answer', {
    errorName: (error as Error | null)?.name,
    errorCode: (error as { code?: unknown } | null)?.code,
    route: request.resource,
    method: request.httpMethod,
  });
  return new HttpError(503, 'A service the API depends on did not answer; retry shortly', undefined, {
    'Retry-After': '2',
  });
}

/**
 * Wraps an API handler: HttpErrors become problem+json; a dependency that did not answer a 503 with Retry-After;
 * anything else is logged (no personal data) and becomes a 500. With CORS_ORIGINS set, every answer carries the
 * CORS headers for those origins.
 */
export function httpHandler(fn: ApiHandler) {
  const origins = corsOrigins(process.env[CORS_ORIGINS_VARIABLE]);
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>();
  if (origins.length > 0) {
    handler.use(
      httpCors({
        origins,
        headers: CORS.allowHeaders.join(','),
        methods: CORS.allowMethods.join(','),
        exposeHeaders: CORS.exposeHeaders.join(','),
        maxAge: CORS.maxAgeSeconds,
        vary: 'Origin',
      }),
    );
  }
  return handler.handler(async (event, context) => {
    try {
      return await fn(event, context);
    } catch (error) {
      const answer = withOutageAnswered(error, event);
      if (answer instanceof HttpError) return problem(answer.status, answer.detail, answer.errors, answer.headers);
      logger.error('Unhandled error', {
        errorName: (error as Error)?.name,
        route: event.resource,
        method: event.httpMethod,
      });
      return problem(500, 'The server could not complete the request');
    }
  });
}
