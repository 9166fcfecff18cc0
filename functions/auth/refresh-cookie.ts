/**
 * The web app's refresh token: an HttpOnly, Secure, SameSite=Strict cookie scoped to the auth routes, so
 * no page script can read it and no other site can make the browser send it. Login, refresh and password
 * change set it, logout clears it, and refresh reads it when the body names no refresh token. The JSON
 * flow (the token in the body) is unchanged for other clients.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from '../commons/errors';
import { header } from '../commons/http';

/** `__Secure-`: browsers refuse it unless it is Secure and set by a secure origin (HTTPS, or loopback). */
export const REFRESH_COOKIE = '__Secure-pms-refresh';
/** The auth routes only: the cookie never travels with patient data requests. */
export const REFRESH_COOKIE_PATH = '/api/auth';
/**
 * The header a cookie-authenticated request must carry: a cross-site form cannot set it, and a cross-site
 * script cannot send it without a CORS preflight that this API answers for no origin with this header.
 */
export const CSRF_HEADER = 'X-Requested-With';

const ATTRIBUTES = `Path=${REFRESH_COOKIE_PATH}; HttpOnly; Secure; SameSite=Strict`;

/** A session cookie (no Max-Age): it ends with the browser, the login on the server ends on its own schedule. */
export function refreshCookie(refreshToken: string): string {
  return `${REFRESH_COOKIE}=${refreshToken}; ${ATTRIBUTES}`;
}

export function clearedRefreshCookie(): string {
  return `${REFRESH_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;
}

/** The refresh token the cookie carries, if any (the last one wins when a client sends two). */
export function cookieValue(cookieHeader: string | undefined): string | undefined {
  let found: string | undefined;
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === REFRESH_COOKIE) found = part.slice(eq + 1).trim() || undefined;
  }
  return found;
}

/**
 * The refresh token of a cookie-authenticated request, checked against cross-site request forgery: the
 * custom header, a JSON body, and (when the browser says) a same-origin request. 403 otherwise.
 */
export function refreshTokenFromCookie(event: Pick<APIGatewayProxyEvent, 'headers'>): string | undefined {
  const token = cookieValue(header(event, 'Cookie'));
  if (token === undefined) return undefined;
  const mediaType = header(event, 'Content-Type')?.split(';')[0]?.trim().toLowerCase();
  const site = header(event, 'Sec-Fetch-Site')?.toLowerCase();
  if (
    !header(event, CSRF_HEADER)?.trim() ||
    mediaType !== 'application/json' ||
    (site !== undefined && site !== 'same-origin')
  ) {
    throw new HttpError(
      403,
      `A request authenticated by the refresh cookie must come from the same origin with the ${CSRF_HEADER} header and a JSON body`,
    );
  }
  return token;
}
