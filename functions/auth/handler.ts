/**
 * The auth function: API Gateway REST proxy events for /api/auth/* (and the original /auth/ aliases)
 * and the JWKS. Thin: parses the request, calls a use case, maps domain errors to HTTP.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError } from '../commons/errors';
import { header, httpHandler, json, noContent, parseBody, parseQuery } from '../commons/http';
import { bearerToken } from './domain/access-token';
import { AuthError, type AuthErrorKind } from './domain/errors';
import { HashingBusy } from './domain/password';
import { authPorts } from './ports-from-env';
import { clearedRefreshCookie, refreshCookie, refreshTokenFromCookie } from './refresh-cookie';
import type { AuthPorts } from './ports';
import {
  LoginRequest, PasswordChangeRequest, RefreshRequest, SignupRequest, UserPatch, UserQuery, VerificationCodeRequest, VerifyEmailRequest,
} from './schemas';
import {
  changePassword, endSession, endUserLogins, getUser, listSessions, listUsers, login, logout, publicJwks, refresh,
  resendVerificationCode, signup, updateUser, validate, verifyEmail,
} from './use-cases';

const PROBLEM_OF: Record<AuthErrorKind, [number, string]> = {
  // One message for unknown email and wrong password alike: nothing tells which emails exist.
  INVALID_CREDENTIALS: [401, 'The email or password is incorrect'],
  UNAUTHORIZED: [401, 'A valid access token is required'],
  THROTTLED: [429, 'Too many failed logins for this account; try again later'],
  EMAIL_TAKEN: [409, 'This email is already registered'],
  FORBIDDEN: [403, 'Only an admin may do this'],
  WRONG_PASSWORD: [403, 'The current password is incorrect'],
  COMMON_PASSWORD: [400, 'The password is too easy to guess'],
  INVALID_CODE: [400, 'The verification code is wrong or has expired'],
  BUSY: [503, 'Too many sign-ins are being checked right now; try again shortly'],
  DISABLED: [403, 'This account is disabled'],
  NOT_FOUND: [404, 'No such resource'],
  LAST_ADMIN: [409, 'The last active admin cannot be demoted or disabled'],
  SELF_LOCKOUT: [409, 'An admin cannot disable or demote themselves'],
  CONFLICT: [409, 'The user changed meanwhile; read it again and retry'],
};

/** The message shown at the field an error names (a 400's `errors`). */
const FIELD_MESSAGE: Partial<Record<AuthErrorKind, string>> = {
  COMMON_PASSWORD: 'Appears in lists of breached or common passwords, or is the email address; choose another',
  INVALID_CODE: 'Wrong or expired code; ask for a new one if needed',
};

/** Aliases of the original gateway answer exactly like their /api/auth/ twins. */
const ALIASES: Record<string, string> = { '/auth/login': '/api/auth/login', '/auth/validate': '/api/auth/validate' };

/** A token pair answered in the body (the JSON flow) and its refresh token in the web app's cookie. */
function withCookie(tokens: { refreshToken: string }): APIGatewayProxyResult {
  return json(200, tokens, { 'Set-Cookie': refreshCookie(tokens.refreshToken) });
}

/** Where a 401 also clears the cookie, so the browser stops presenting a dead refresh token. */
const CLEARS_COOKIE_ON_401 = new Set(['/api/auth/refresh', '/api/auth/logout']);

export async function route(ports: AuthPorts, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const resource = ALIASES[event.resource] ?? event.resource;
  const authorization = header(event, 'Authorization');
  const bearer = bearerToken(authorization);
  const userAgent = header(event, 'User-Agent') ?? event.requestContext?.identity?.userAgent ?? undefined;
  const id = event.pathParameters?.id;
  try {
    switch (`${event.httpMethod} ${resource}`) {
      case 'POST /api/auth/signup':
        return json(201, await signup(ports, parseBody(event, SignupRequest), bearer, authorization !== undefined));
      case 'POST /api/auth/login':
        // API Gateway's view of the caller's address: failures count per email and source.
        return withCookie(await login(ports, parseBody(event, LoginRequest), { sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown', userAgent }));
      case 'POST /api/auth/refresh': {
        const presented = parseBody(event, RefreshRequest).refreshToken ?? refreshTokenFromCookie(event);
        if (!presented) throw new AuthError('UNAUTHORIZED');
        return withCookie(await refresh(ports, presented));
      }
      case 'POST /api/auth/logout':
        await logout(ports, bearer);
        return noContent({ 'Set-Cookie': clearedRefreshCookie() });
      case 'POST /api/auth/password':
        return withCookie(await changePassword(ports, bearer, parseBody(event, PasswordChangeRequest), userAgent));
      case 'POST /api/auth/verify-email':
        await verifyEmail(ports, parseBody(event, VerifyEmailRequest));
        return noContent();
      case 'POST /api/auth/verification-code':
        // The same answer whether or not the address belongs to an unverified user.
        await resendVerificationCode(ports, parseBody(event, VerificationCodeRequest).email);
        return noContent();
      case 'GET /api/auth/sessions':
        return json(200, await listSessions(ports, bearer));
      case 'DELETE /api/auth/sessions/{id}':
        await endSession(ports, bearer, id);
        return noContent();
      case 'GET /api/users':
        // Parsed once the caller is known to be an admin: a 401 or 403 comes before a 400.
        return json(200, await listUsers(ports, bearer, () => {
          const { cursor, ...filters } = parseQuery(event, UserQuery);
          return { ...filters, ...(cursor ? { after: cursor } : {}) };
        }));
      case 'GET /api/users/{id}':
        return json(200, await getUser(ports, bearer, id));
      case 'PATCH /api/users/{id}':
        return json(200, await updateUser(ports, bearer, id, () => parseBody(event, UserPatch)));
      case 'DELETE /api/users/{id}/sessions':
        await endUserLogins(ports, bearer, id);
        return noContent();
      case 'GET /api/auth/validate':
        return json(200, await validate(ports, bearer));
      case 'GET /.well-known/jwks.json':
        // Public keys may be cached briefly; a rotation keeps the previous key listed for longer than this.
        return json(200, await publicJwks(ports), { 'Cache-Control': 'public, max-age=300' });
      default:
        throw new HttpError(405, 'This method is not allowed on this resource');
    }
  } catch (caught) {
    const error = caught instanceof HashingBusy ? new AuthError('BUSY', 1) : caught;
    if (!(error instanceof AuthError)) throw error;
    const [status, detail] = PROBLEM_OF[error.kind];
    const headers: Record<string, string> = {
      ...(error.retryAfterSeconds ? { 'Retry-After': String(error.retryAfterSeconds) } : {}),
      ...(status === 401 && CLEARS_COOKIE_ON_401.has(resource) ? { 'Set-Cookie': clearedRefreshCookie() } : {}),
    };
    const message = FIELD_MESSAGE[error.kind];
    throw new HttpError(status, detail, error.field && message ? [{ field: error.field, message }] : undefined, headers);
  }
}

export const handler = httpHandler((event) => route(authPorts(), event));
