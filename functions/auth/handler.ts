/**
 * The auth function: API Gateway REST proxy events for /api/auth/* (and the original /auth/ aliases)
 * and the JWKS. Thin: parses the request, calls a use case, maps domain errors to HTTP.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { badRequest, httpErrorOf, type ProblemOfKind } from '../commons/errors';
import { handlerFor, header, httpHandler, json, noContent, parseBody, parseQuery } from '../commons/http';
import { routes, type RouteKey } from '../../system/routes';
import { bearerToken } from './domain/access-token';
import { AuthError, type AuthErrorKind } from './domain/errors';
import { HashingBusy } from './domain/password';
import { authPorts } from './ports-from-env';
import { clearedRefreshCookie, refreshCookie, refreshTokenFromCookie } from './refresh-cookie';
import type { AuthPorts } from './ports';
import {
  LoginRequest,
  PasswordChangeRequest,
  RefreshRequest,
  SignupRequest,
  UserPatch,
  UserQuery,
  VerificationCodeRequest,
  VerifyEmailRequest,
} from './schemas';
import {
  changePassword,
  endSession,
  endUserLogins,
  getUser,
  listSessions,
  listUsers,
  login,
  logout,
  publicJwks,
  refresh,
  resendVerificationCode,
  signup,
  updateUser,
  validate,
  verifyEmail,
} from './use-cases';

/** `fieldMessage`: shown at the field an error names (a 400's `errors`). */
const PROBLEM_OF: Record<AuthErrorKind, ProblemOfKind> = {
  // One message for unknown email and wrong password alike: nothing tells which emails exist.
  INVALID_CREDENTIALS: { status: 401, detail: 'The email or password is incorrect' },
  UNAUTHORIZED: { status: 401, detail: 'A valid access token is required' },
  THROTTLED: { status: 429, detail: 'Too many failed logins for this account; try again later' },
  EMAIL_TAKEN: { status: 409, detail: 'This email is already registered' },
  FORBIDDEN: { status: 403, detail: 'Only an admin may do this' },
  WRONG_PASSWORD: { status: 403, detail: 'The current password is incorrect' },
  COMMON_PASSWORD: {
    status: 400,
    detail: 'The password is too easy to guess',
    fieldMessage: 'Appears in lists of breached or common passwords, or is the email address; choose another',
  },
  INVALID_CODE: {
    status: 400,
    detail: 'The verification code is wrong or has expired',
    fieldMessage: 'Wrong or expired code; ask for a new one if needed',
  },
  BUSY: { status: 503, detail: 'Too many sign-ins are being checked right now; try again shortly' },
  DISABLED: { status: 403, detail: 'This account is disabled' },
  NOT_FOUND: { status: 404, detail: 'No such resource' },
  LAST_ADMIN: { status: 409, detail: 'The last active admin cannot be demoted or disabled' },
  SELF_LOCKOUT: { status: 409, detail: 'An admin cannot disable or demote themselves' },
  CONFLICT: { status: 409, detail: 'The user changed meanwhile; read it again and retry' },
};

/** The original gateway's aliases (`/auth/login`), from the route table: each answers exactly as its /api/auth/ twin. */
const ALIASES: Record<string, string> = Object.fromEntries(
  routes.flatMap((r) => ('aliasOf' in r && r.aliasOf ? [[r.path, r.aliasOf]] : [])),
);

/** A token pair answered in the body (the JSON flow) and its refresh token in the web app's cookie. */
function withCookie(tokens: { refreshToken: string }): APIGatewayProxyResult {
  return json(200, tokens, { 'Set-Cookie': refreshCookie(tokens.refreshToken) });
}

/** Where a 401 also clears the cookie, so the browser stops presenting a dead refresh token. */
const CLEARS_COOKIE_ON_401 = new Set(['/api/auth/refresh', '/api/auth/logout']);

/** What a route reads of the request, worked out once. */
interface Request {
  event: APIGatewayProxyEvent;
  bearer: string | undefined;
  authorization: string | undefined;
  userAgent: string | undefined;
  id: string | undefined;
}
type RouteHandler = (ports: AuthPorts, request: Request) => Promise<APIGatewayProxyResult>;

const ROUTES: Record<RouteKey<'auth'>, RouteHandler> = {
  'POST /api/auth/signup': async (ports, { event, bearer, authorization }) =>
    json(201, await signup(ports, parseBody(event, SignupRequest), bearer, authorization !== undefined)),
  // API Gateway's view of the caller's address: failures count per email and source.
  'POST /api/auth/login': async (ports, { event, userAgent }) =>
    withCookie(
      await login(ports, parseBody(event, LoginRequest), {
        sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
        userAgent,
      }),
    ),
  // The JSON flow names the token in the body; the web app's comes in its cookie (CSRF rules in refresh-cookie.ts).
  'POST /api/auth/refresh': async (ports, { event }) => {
    const presented = parseBody(event, RefreshRequest).refreshToken ?? refreshTokenFromCookie(event);
    if (!presented)
      throw badRequest('The request body is invalid', [
        { field: 'refreshToken', message: "Required, unless the web app's refresh cookie comes with the request" },
      ]);
    return withCookie(await refresh(ports, presented));
  },
  'POST /api/auth/logout': async (ports, { bearer }) => {
    await logout(ports, bearer);
    return noContent({ 'Set-Cookie': clearedRefreshCookie() });
  },
  'POST /api/auth/password': async (ports, { event, bearer, userAgent }) =>
    withCookie(await changePassword(ports, bearer, parseBody(event, PasswordChangeRequest), userAgent)),
  'POST /api/auth/verify-email': async (ports, { event }) => {
    await verifyEmail(ports, parseBody(event, VerifyEmailRequest));
    return noContent();
  },
  // The same answer whether or not the address belongs to an unverified user.
  'POST /api/auth/verification-code': async (ports, { event }) => {
    await resendVerificationCode(ports, parseBody(event, VerificationCodeRequest).email);
    return noContent();
  },
  'GET /api/auth/sessions': async (ports, { bearer }) => json(200, await listSessions(ports, bearer)),
  'DELETE /api/auth/sessions/{id}': async (ports, { bearer, id }) => {
    await endSession(ports, bearer, id);
    return noContent();
  },
  // Parsed once the caller is known to be an admin: a 401 or 403 comes before a 400.
  'GET /api/users': async (ports, { event, bearer }) =>
    json(
      200,
      await listUsers(ports, bearer, () => {
        const { cursor, ...filters } = parseQuery(event, UserQuery);
        return { ...filters, ...(cursor ? { after: cursor } : {}) };
      }),
    ),
  'GET /api/users/{id}': async (ports, { bearer, id }) => json(200, await getUser(ports, bearer, id)),
  'PATCH /api/users/{id}': async (ports, { event, bearer, id }) =>
    json(200, await updateUser(ports, bearer, id, () => parseBody(event, UserPatch))),
  'DELETE /api/users/{id}/sessions': async (ports, { bearer, id }) => {
    await endUserLogins(ports, bearer, id);
    return noContent();
  },
  'GET /api/auth/validate': async (ports, { bearer }) => json(200, await validate(ports, bearer)),
  // Public keys may be cached briefly; a rotation keeps the previous key listed for longer than this.
  'GET /.well-known/jwks.json': async (ports) =>
    json(200, await publicJwks(ports), { 'Cache-Control': 'public, max-age=300' }),
};

export async function route(ports: AuthPorts, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const authorization = header(event, 'Authorization');
  const request: Request = {
    event,
    authorization,
    bearer: bearerToken(authorization),
    id: event.pathParameters?.id,
    userAgent: header(event, 'User-Agent') ?? event.requestContext?.identity?.userAgent ?? undefined,
  };
  try {
    return await handlerFor(ROUTES, event, ALIASES)(ports, request);
  } catch (caught) {
    const error = caught instanceof HashingBusy ? new AuthError('BUSY', 1) : caught;
    if (!(error instanceof AuthError)) throw error;
    const answer = httpErrorOf(PROBLEM_OF, error);
    if (answer.status === 401 && CLEARS_COOKIE_ON_401.has(event.resource))
      answer.headers['Set-Cookie'] = clearedRefreshCookie();
    throw answer;
  }
}

export const handler = httpHandler((event) => route(authPorts(), event));
