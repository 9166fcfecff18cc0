/** The web app as served by `npm start`: security headers, client routes, the API never shadowed, and the refresh cookie over HTTP. */
import { base, login, request } from '../../support/http';
import { ADMIN } from './support';

const cookieOf = (response: Response | { headers: Headers }) => response.headers.get('set-cookie') ?? '';
const tokenIn = (setCookie: string) => /__Secure-pms-refresh=([^;]*)/.exec(setCookie)?.[1];

async function refreshWithCookie(
  token: string,
  headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Requested-With': 'pms-web' },
) {
  return fetch(`${base()}/api/auth/refresh`, {
    method: 'POST',
    headers: { ...headers, Cookie: `__Secure-pms-refresh=${token}` },
    body: '{}',
  });
}

describe('web app serving', () => {
  it('serves the app at / and at client routes with a CSP that allows no inline script, and the usual security headers', async () => {
    for (const path of ['/', '/patients', '/patients/6f1c1c4e-0000-4000-8000-000000000000/edit', '/users']) {
      const response = await fetch(`${base()}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await response.text();
      expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // every script is a file of the app's origin
    }
    const html = await (await fetch(`${base()}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${base()}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
  });

  it('never shadows the API, the docs, the JWKS, health, the dashboard or the local mailbox', async () => {
    const unknownApi = await request('GET', '/api/no-such-route');
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toBe('application/problem+json');
    expect((await request('GET', '/fhir/R4/no-such')).headers.get('content-type')).not.toMatch(/html/);
    expect((await request('GET', '/.well-known/no-such')).status).toBe(404);
    expect((await request('GET', '/api-docs')).body.openapi).toBe('3.1.0');
    expect((await request('GET', '/.well-known/jwks.json')).body.keys.length).toBeGreaterThan(0);
    expect((await request('GET', '/_local/mailbox')).body.messages).toBeDefined();
    expect((await fetch(`${base()}/health`)).headers.get('content-type')).toMatch(/json/);
    expect(await (await fetch(`${base()}/dashboard`)).text()).toMatch(/dashboard/i);
    // Only reads are the app's: other methods on its paths, and files that are not there, are the gateway's 404.
    expect((await fetch(`${base()}/patients`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base()}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base()}/assets/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
  });

  it('sets the refresh cookie at login (HttpOnly, Secure, SameSite=Strict, auth routes only) and keeps the JSON flow', async () => {
    const response = await request('POST', '/api/auth/login', {
      body: { email: ADMIN.email, password: ADMIN.password },
    });
    expect(response.status).toBe(200);
    expect(response.body.refreshToken).toEqual(expect.any(String));
    const setCookie = cookieOf(response);
    expect(tokenIn(setCookie)).toBe(response.body.refreshToken);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\/api\/auth(;|$)/);
    // The JSON flow still works for other clients.
    const viaBody = await request('POST', '/api/auth/refresh', { body: { refreshToken: response.body.refreshToken } });
    expect(viaBody.status).toBe(200);
  });

  it('refreshes from the cookie only with the CSRF header and a JSON body, rotating it; a reused cookie ends the login and is cleared', async () => {
    const first = tokenIn(cookieOf(await request('POST', '/api/auth/login', { body: ADMIN })))!;
    expect((await refreshWithCookie(first, { 'Content-Type': 'application/json' })).status).toBe(403);
    expect((await refreshWithCookie(first, { 'Content-Type': 'text/plain', 'X-Requested-With': 'x' })).status).toBe(
      403,
    );
    expect(
      (
        await refreshWithCookie(first, {
          'Content-Type': 'application/json',
          'X-Requested-With': 'x',
          'Sec-Fetch-Site': 'cross-site',
        })
      ).status,
    ).toBe(403);

    const rotated = await refreshWithCookie(first);
    expect(rotated.status).toBe(200);
    const body = (await rotated.json()) as { refreshToken: string; accessToken: string };
    const second = tokenIn(cookieOf(rotated))!;
    expect(second).toBe(body.refreshToken);
    expect(second).not.toBe(first);
    expect((await request('GET', '/api/auth/validate', { token: body.accessToken })).status).toBe(200);

    const reused = await refreshWithCookie(first);
    expect(reused.status).toBe(401);
    expect(cookieOf(reused)).toMatch(/__Secure-pms-refresh=; Max-Age=0/);
    expect((await refreshWithCookie(second)).status).toBe(401); // the whole login ended
    expect((await request('POST', '/api/auth/refresh', { body: {} })).status).toBe(400); // no cookie, no token: the v1 rule for a missing field
  });

  it('clears the cookie at logout, and the refresh token it held stops working', async () => {
    const response = await request('POST', '/api/auth/login', { body: ADMIN });
    const token = tokenIn(cookieOf(response))!;
    const logout = await fetch(`${base()}/api/auth/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${response.body.accessToken}` },
    });
    expect(logout.status).toBe(204);
    expect(cookieOf(logout)).toMatch(/__Secure-pms-refresh=; Max-Age=0; Path=\/api\/auth/);
    expect((await refreshWithCookie(token)).status).toBe(401);
    await login(ADMIN.email, ADMIN.password); // the demo admin still signs in
  });
});
