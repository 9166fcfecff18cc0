/**
 * The Auth part of the contract over HTTP against `npm start`: every row, the /auth/ aliases, and each
 * JWT attack presented to a protected route (the TOKEN authorizer through the local gateway).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { loginDemoAdmin } from '../../support/http';
import { forgedTokens, malformedHeaders } from '../../unit/auth/token-fixtures';

// Each login costs a full scrypt (about 0.3 s, more on a busy machine): generous per-test limits, no timing assertions.
jest.setTimeout(60_000);

const base = () => {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run in the e2e project');
  return url;
};

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function http(
  method: string,
  path: string,
  options: { token?: string; authorization?: string; body?: unknown; raw?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.Authorization = options.authorization;
  if (options.body !== undefined || options.raw !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base()}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

const email = (tag = 'user') => `${tag}.${randomUUID().slice(0, 8)}@e2e-auth.test`;
const PASSWORD = 'e2e-password-123';

async function newUser(role?: 'clinician' | 'admin', adminToken?: string) {
  const address = email(role ?? 'patient');
  const signup = await http('POST', '/api/auth/signup', {
    body: { email: address, password: PASSWORD, ...(role ? { role } : {}) },
    token: adminToken,
  });
  expect(signup.status).toBe(201);
  const login = await http('POST', '/api/auth/login', { body: { email: address, password: PASSWORD } });
  expect(login.status).toBe(200);
  return {
    id: signup.body.id as string,
    email: address,
    accessToken: login.body.accessToken as string,
    refreshToken: login.body.refreshToken as string,
  };
}

const expectProblem = (reply: Reply, status: number) => {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  expect(reply.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
};

let adminToken: string;
beforeAll(async () => {
  adminToken = await loginDemoAdmin();
});

describe('signup', () => {
  it('201 patient; 409 duplicate (any case); 400 bad email, short and long password, unknown field', async () => {
    const address = email();
    const created = await http('POST', '/api/auth/signup', { body: { email: address, password: PASSWORD } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      email: address,
      role: 'patient',
      createdAt: expect.any(String),
    });
    expectProblem(
      await http('POST', '/api/auth/signup', { body: { email: address.toUpperCase(), password: PASSWORD } }),
      409,
    );
    for (const body of [
      { email: 'nope', password: PASSWORD },
      { email: email(), password: 'short' },
      { email: email(), password: 'x'.repeat(129) },
      { email: email(), password: PASSWORD, admin: true },
    ]) {
      expectProblem(await http('POST', '/api/auth/signup', { body }), 400);
    }
    expectProblem(await http('POST', '/api/auth/signup', { raw: '{not json' }), 400);
    expectProblem(
      await http('POST', '/api/auth/signup', { raw: JSON.stringify({ email: email(), password: 'x'.repeat(70_000) }) }),
      413,
    );
  });

  it('roles: admin token creates a clinician; no token or a non-admin token → 403; an invalid token → 401', async () => {
    const clinician = await newUser('clinician', adminToken);
    const body = () => ({ email: email(), password: PASSWORD, role: 'admin' });
    expectProblem(await http('POST', '/api/auth/signup', { body: body() }), 403);
    expectProblem(await http('POST', '/api/auth/signup', { body: body(), token: clinician.accessToken }), 403);
    expectProblem(await http('POST', '/api/auth/signup', { body: body(), token: 'a.b.c' }), 401);
    expect((await http('POST', '/api/auth/signup', { body: body(), token: adminToken })).status).toBe(201);
  });
});

describe('login', () => {
  it.each(['/api/auth/login', '/auth/login'])('%s → 200 token pair', async (path) => {
    const user = await newUser();
    const reply = await http('POST', path, { body: { email: user.email, password: PASSWORD } });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      accessToken: expect.any(String),
      token: reply.body.accessToken,
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
  });

  it('401 alike for unknown email and wrong password; 429 + Retry-After after 5 failures', async () => {
    const user = await newUser();
    const wrong = await http('POST', '/api/auth/login', { body: { email: user.email, password: 'wrong-password' } });
    const unknown = await http('POST', '/api/auth/login', {
      body: { email: email('ghost'), password: 'wrong-password' },
    });
    expectProblem(wrong, 401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    for (let i = 0; i < 4; i++)
      expectProblem(
        await http('POST', '/api/auth/login', { body: { email: user.email, password: 'wrong-password' } }),
        401,
      );
    const throttled = await http('POST', '/api/auth/login', { body: { email: user.email, password: PASSWORD } });
    expectProblem(throttled, 429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('validate, refresh, logout', () => {
  it.each(['/api/auth/validate', '/auth/validate'])(
    '%s → 200 {userId,email,role,expiresAt}; 401 without a token',
    async (path) => {
      const user = await newUser();
      const reply = await http('GET', path, { token: user.accessToken });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        userId: user.id,
        email: user.email,
        role: 'patient',
        expiresAt: expect.any(String),
      });
      expectProblem(await http('GET', path), 401);
    },
  );

  it('refresh rotates; reusing the old refresh token → 401 and every token of that login → 401 everywhere', async () => {
    const user = await newUser();
    const rotated = await http('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(user.refreshToken);
    expect((await http('GET', '/api/patients', { token: rotated.body.accessToken as string })).status).toBe(200);
    expectProblem(await http('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } }), 401);
    expectProblem(await http('POST', '/api/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } }), 401);
    for (const token of [user.accessToken, rotated.body.accessToken as string]) {
      expectProblem(await http('GET', '/api/patients', { token }), 401);
      expectProblem(await http('GET', '/api/auth/validate', { token }), 401);
    }
  });

  it('logout → 204; the very next request with that token or its refresh token → 401', async () => {
    const user = await newUser();
    expect((await http('GET', '/api/patients', { token: user.accessToken })).status).toBe(200);
    const logout = await http('POST', '/api/auth/logout', { token: user.accessToken });
    expect(logout.status).toBe(204);
    expectProblem(await http('GET', '/api/patients', { token: user.accessToken }), 401);
    expectProblem(await http('GET', '/api/auth/validate', { token: user.accessToken }), 401);
    expectProblem(await http('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } }), 401);
    expectProblem(await http('POST', '/api/auth/logout'), 401);
  });
});

describe('JWKS and the authorizer', () => {
  it('GET /.well-known/jwks.json lists the public ES256 key that signed the tokens', async () => {
    const reply = await http('GET', '/.well-known/jwks.json');
    expect(reply.status).toBe(200);
    const kid = JSON.parse(Buffer.from(adminToken.split('.')[0]!, 'base64url').toString()).kid;
    const keys = reply.body.keys as Record<string, unknown>[];
    expect(keys.find((k) => k.kid === kid)).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(JSON.stringify(keys)).not.toContain('"d"');
  });

  it('refuses every forged token and malformed header on a protected route with 401 problem+json', async () => {
    const keyFile = join(process.env.E2E_DATA_DIR ?? '', 'keys', 'signing-keys.json');
    const signingJwk = (JSON.parse(readFileSync(keyFile, 'utf8')) as { keys: JWK[] }).keys[0]!;
    const forged = await forgedTokens({ signingJwk, issuer: 'patient-management', audience: 'patient-management-api' });
    const refused: string[] = [];
    for (const [name, token] of Object.entries(forged)) {
      const reply = await http('GET', '/api/patients', { authorization: `Bearer ${token}` });
      if (reply.status !== 401 || reply.headers.get('content-type') !== 'application/problem+json')
        refused.push(`${name}: ${reply.status}`);
    }
    for (const [name, value] of Object.entries(malformedHeaders(adminToken))) {
      const reply = await http('GET', '/api/patients', { authorization: value });
      if (reply.status !== 401) refused.push(`${name}: ${reply.status}`);
    }
    expect(refused).toEqual([]);
    expect((await http('GET', '/api/patients', { token: adminToken })).status).toBe(200);
  });
});
