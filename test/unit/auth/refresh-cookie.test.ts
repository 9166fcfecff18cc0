/** The web app's refresh cookie: its attributes, how it is read, and the CSRF rules for requests it authenticates. */
import { HttpError } from '../../../functions/commons/errors';
import {
  clearedRefreshCookie,
  cookieValue,
  CSRF_HEADER,
  REFRESH_COOKIE,
  refreshCookie,
  refreshTokenFromCookie,
} from '../../../functions/auth/refresh-cookie';

const sameOrigin = { 'Content-Type': 'application/json', [CSRF_HEADER]: 'pms-web', 'Sec-Fetch-Site': 'same-origin' };

describe('refresh cookie', () => {
  it('is HttpOnly, Secure, SameSite=Strict, scoped to the auth routes, and a session cookie', () => {
    const attributes = refreshCookie('tok').split('; ');
    expect(attributes[0]).toBe(`${REFRESH_COOKIE}=tok`);
    expect(attributes.slice(1).sort()).toEqual(['HttpOnly', 'Path=/api/auth', 'SameSite=Strict', 'Secure']);
    expect(REFRESH_COOKIE.startsWith('__Secure-')).toBe(true);
  });

  it('is cleared with the same scope', () => {
    expect(clearedRefreshCookie()).toBe(
      `${REFRESH_COOKIE}=; Max-Age=0; Path=/api/auth; HttpOnly; Secure; SameSite=Strict`,
    );
  });

  it('is found among other cookies, by exact name', () => {
    expect(cookieValue(`a=1; ${REFRESH_COOKIE}=abc.def; b=2`)).toBe('abc.def');
    expect(cookieValue(`x${REFRESH_COOKIE}=nope; a=1`)).toBeUndefined();
    expect(cookieValue(`${REFRESH_COOKIE}=`)).toBeUndefined();
    expect(cookieValue(undefined)).toBeUndefined();
  });

  it('authenticates a same-origin JSON request with the custom header', () => {
    expect(refreshTokenFromCookie({ headers: { ...sameOrigin, Cookie: `${REFRESH_COOKIE}=t1` } })).toBe('t1');
    // Header names in any case, a charset parameter, and no Sec-Fetch-Site (older browsers, other clients).
    expect(
      refreshTokenFromCookie({
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-requested-with': 'x',
          cookie: `${REFRESH_COOKIE}=t2`,
        },
      }),
    ).toBe('t2');
  });

  it('gives nothing without the cookie (the caller then answers 401)', () => {
    expect(refreshTokenFromCookie({ headers: sameOrigin })).toBeUndefined();
  });

  it.each([
    ['without the custom header', { 'Content-Type': 'application/json' }],
    ['with an empty custom header', { 'Content-Type': 'application/json', [CSRF_HEADER]: ' ' }],
    ['with a form body', { 'Content-Type': 'application/x-www-form-urlencoded', [CSRF_HEADER]: 'x' }],
    ['with a text body', { 'Content-Type': 'text/plain', [CSRF_HEADER]: 'x' }],
    ['without a content type', { [CSRF_HEADER]: 'x' }],
    ['from another site', { ...sameOrigin, 'Sec-Fetch-Site': 'cross-site' }],
    ['from a sibling subdomain', { ...sameOrigin, 'Sec-Fetch-Site': 'same-site' }],
  ])('refuses a cookie-authenticated request %s with 403', (_case, headers) => {
    let thrown: unknown;
    try {
      refreshTokenFromCookie({ headers: { ...headers, Cookie: `${REFRESH_COOKIE}=t` } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    expect((thrown as HttpError).status).toBe(403);
  });
});
