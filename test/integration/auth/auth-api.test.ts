/**
 * Every Auth row of the contract, through the auth handler with real API Gateway events, against
 * DynamoDB Local and real keys.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { handler as authHandler } from '../../../functions/auth/handler';
import { parseRefreshToken, refreshTokenHash } from '../../../functions/auth/domain/refresh-token';
import { authPorts } from '../../../functions/auth/ports-from-env';
import { DEMO_ADMIN, seedDemoAdmin } from '../../../functions/auth/seed';
import { logger } from '../../../functions/commons/logger';
import { apiEvent, lambdaContext, parse, uniqueEmail, useAuthEnvironment, type EventInput } from './helpers';

// Each login costs a full scrypt (about 0.3 s, more on a busy machine): generous per-test limits, no timing assertions.
jest.setTimeout(60_000);

const call = async (method: string, resource: string, input: EventInput = {}) =>
  parse((await authHandler(apiEvent(method, resource, input), lambdaContext('auth'))) as APIGatewayProxyResult);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function signupAndLogin(role?: 'clinician' | 'admin', adminToken?: string) {
  const email = uniqueEmail(role ?? 'patient');
  const password = 'a good password';
  const signup = await call('POST', '/api/auth/signup', {
    body: { email, password, ...(role ? { role } : {}) },
    headers: adminToken ? bearer(adminToken) : {},
  });
  expect(signup.status).toBe(201);
  const login = await call('POST', '/api/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  return {
    email: email.toLowerCase(),
    password,
    id: signup.body.id as string,
    ...(login.body as { accessToken: string; refreshToken: string }),
  };
}

let adminToken: string;

beforeAll(async () => {
  await useAuthEnvironment();
  expect(await seedDemoAdmin()).toBe(true);
  expect(await seedDemoAdmin()).toBe(false); // idempotent
  const login = await call('POST', '/api/auth/login', { body: DEMO_ADMIN });
  expect(login.status).toBe(200);
  adminToken = login.body.accessToken as string;
});

describe('POST /api/auth/signup', () => {
  it('201 {id,email,role,createdAt}: a patient, email trimmed and lower-cased', async () => {
    const email = uniqueEmail();
    const response = await call('POST', '/api/auth/signup', {
      body: { email: `  ${email} `, password: 'kiwi-lantern-73' },
    });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(['createdAt', 'email', 'id', 'role']);
    expect(response.body).toMatchObject({ email: email.toLowerCase(), role: 'patient' });
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(response.body.createdAt as string).toISOString()).toBe(response.body.createdAt);
  });

  it('409 for an email already taken, whatever its case', async () => {
    const email = uniqueEmail();
    expect((await call('POST', '/api/auth/signup', { body: { email, password: 'kiwi-lantern-73' } })).status).toBe(201);
    const again = await call('POST', '/api/auth/signup', {
      body: { email: email.toUpperCase(), password: 'another password' },
    });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toBe('application/problem+json');
    expect(again.body).toMatchObject({ status: 409, title: 'Conflict' });
  });

  it('409 to all but one of concurrent sign-ups with the same email', async () => {
    const email = uniqueEmail();
    const results = await Promise.all(
      [0, 1, 2].map(() => call('POST', '/api/auth/signup', { body: { email, password: 'kiwi-lantern-73' } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', password: 'kiwi-lantern-73' }, 'email'],
    ['a password of 7 characters', { email: uniqueEmail(), password: '1234567' }, 'password'],
    ['a password of 129 characters', { email: uniqueEmail(), password: 'x'.repeat(129) }, 'password'],
    ['an unknown role', { email: uniqueEmail(), password: 'kiwi-lantern-73', role: 'superuser' }, 'role'],
    ['an unknown field', { email: uniqueEmail(), password: 'kiwi-lantern-73', isAdmin: true }, 'isAdmin'],
    ['a missing password', { email: uniqueEmail() }, 'password'],
  ])('400 problem+json for %s', async (_name, body, field) => {
    const response = await call('POST', '/api/auth/signup', { body });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect((response.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    expect(JSON.stringify(response.body)).not.toContain('kiwi-lantern-73');
  });

  it('accepts passwords of exactly 8 and 128 characters', async () => {
    for (const password of ['kq7-vxz2', 'p'.repeat(128)]) {
      expect((await call('POST', '/api/auth/signup', { body: { email: uniqueEmail(), password } })).status).toBe(201);
    }
  });

  it('400 naming password for a breached or common password, or the email itself (any case)', async () => {
    const email = uniqueEmail('weak');
    for (const password of ['password', '12345678', 'Password123', 'qwertyuiop', email, email.split('@')[0]!]) {
      const response = await call('POST', '/api/auth/signup', { body: { email, password } });
      expect([response.status, (response.body.errors as { field: string }[])[0]!.field]).toEqual([400, 'password']);
    }
  });

  it('400 for malformed JSON and an empty body, 413 for a body over 64 KiB', async () => {
    expect((await call('POST', '/api/auth/signup', { rawBody: '{"email":' })).status).toBe(400);
    expect((await call('POST', '/api/auth/signup', {})).status).toBe(400);
    expect(
      (
        await call('POST', '/api/auth/signup', {
          rawBody: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(70_000) }),
        })
      ).status,
    ).toBe(413);
  });

  it('an admin token may create clinicians and admins', async () => {
    for (const role of ['clinician', 'admin'] as const) {
      const response = await call('POST', '/api/auth/signup', {
        body: { email: uniqueEmail(), password: 'kiwi-lantern-73', role },
        headers: bearer(adminToken),
      });
      expect(response.status).toBe(201);
      expect(response.body.role).toBe(role);
    }
  });

  it('asking for another role without a token → 403; with a non-admin token → 403; with an invalid token → 401', async () => {
    const patient = await signupAndLogin();
    const clinician = await signupAndLogin('clinician', adminToken);
    for (const role of ['admin', 'clinician']) {
      const body = { email: uniqueEmail(), password: 'kiwi-lantern-73', role };
      expect((await call('POST', '/api/auth/signup', { body })).status).toBe(403);
      expect((await call('POST', '/api/auth/signup', { body, headers: bearer(patient.accessToken) })).status).toBe(403);
      expect((await call('POST', '/api/auth/signup', { body, headers: bearer(clinician.accessToken) })).status).toBe(
        403,
      );
      expect((await call('POST', '/api/auth/signup', { body, headers: bearer('not.a.token') })).status).toBe(401);
    }
  });

  it('role patient may be asked for explicitly without a token', async () => {
    const response = await call('POST', '/api/auth/signup', {
      body: { email: uniqueEmail(), password: 'kiwi-lantern-73', role: 'patient' },
    });
    expect(response.status).toBe(201);
    expect(response.body.role).toBe('patient');
  });
});

describe('POST /api/auth/login (and the /auth/login alias)', () => {
  it.each(['/api/auth/login', '/auth/login'])(
    '%s: 200 {accessToken, token (same), refreshToken, tokenType, expiresIn}',
    async (resource) => {
      const email = uniqueEmail();
      await call('POST', '/api/auth/signup', { body: { email, password: 'kiwi-lantern-73' } });
      const response = await call('POST', resource, {
        body: { email: email.toUpperCase(), password: 'kiwi-lantern-73' },
      });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual([
        'accessToken',
        'expiresIn',
        'refreshToken',
        'token',
        'tokenType',
      ]);
      expect(response.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(response.body.token).toBe(response.body.accessToken);
      expect(response.headers['cache-control']).toBe('no-store');
    },
  );

  it('401 with identical bodies for an unknown email and a wrong password', async () => {
    const { email } = await signupAndLogin();
    const wrongPassword = await call('POST', '/api/auth/login', { body: { email, password: 'wrong password' } });
    const unknownEmail = await call('POST', '/auth/login', {
      body: { email: uniqueEmail('nobody'), password: 'wrong password' },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(unknownEmail.headers).toEqual(wrongPassword.headers);
    expect(JSON.stringify(wrongPassword.body)).not.toContain(email);
  });

  it('400 for an unknown field or a missing password', async () => {
    expect(
      (await call('POST', '/api/auth/login', { body: { email: 'a@b.co', password: 'x', remember: true } })).status,
    ).toBe(400);
    expect((await call('POST', '/api/auth/login', { body: { email: 'a@b.co' } })).status).toBe(400);
  });

  it('429 with Retry-After after 5 failed attempts for one email within 15 minutes, even with the right password', async () => {
    const { email, password } = await signupAndLogin();
    for (let i = 0; i < 5; i++)
      expect((await call('POST', '/api/auth/login', { body: { email, password: `wrong ${i}` } })).status).toBe(401);
    const refused = await call('POST', '/api/auth/login', { body: { email, password } });
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Through the alias and with another case of the same email too.
    expect((await call('POST', '/auth/login', { body: { email: email.toUpperCase(), password } })).status).toBe(429);
    // Other accounts are not affected.
    const other = await signupAndLogin();
    expect(other.accessToken).toBeDefined();
  });

  it('parallel guesses cannot exceed the limit: of 8 concurrent wrong passwords, at most 5 are checked', async () => {
    const { email } = await signupAndLogin();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call('POST', '/api/auth/login', { body: { email, password: `guess ${i}` } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect((await call('POST', '/api/auth/login', { body: { email, password: 'a good password' } })).status).toBe(429);
  });

  it('concurrent logins with the right password are never refused: of 8 at once, all answer 200', async () => {
    const { email, password } = await signupAndLogin();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => call('POST', '/api/auth/login', { body: { email, password } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    // Nothing was left counted: five failures are still needed for a 429.
    for (let i = 0; i < 5; i++)
      expect((await call('POST', '/api/auth/login', { body: { email, password: `wrong ${i}` } })).status).toBe(401);
    expect((await call('POST', '/api/auth/login', { body: { email, password } })).status).toBe(429);
  });

  it('of two counts written from one read of the attempts, only one is stored, whatever they keep', async () => {
    const { sessions } = authPorts();
    const key = `throttle-${randomUUID()}`;
    const now = Date.now();
    expect(await sessions.reserveLoginAttempt(key, await sessions.loginAttempts(key), attempt('a', now))).toBe(true);
    await sessions.settleLoginAttempt(key, 'a', now);
    const seen = await sessions.loginAttempts(key);
    expect(seen).toMatchObject({ failures: [now], running: {} });
    // Both drop the one failure and add themselves: the stored list keeps its size, and still only one is written.
    const written = await Promise.all(
      ['x', 'y'].map((id) => sessions.reserveLoginAttempt(key, seen, attempt(id, now))),
    );
    expect(written.sort()).toEqual([false, true]);
    expect(Object.keys((await sessions.loginAttempts(key)).running)).toHaveLength(1);
    // A success clears the key; an attempt settled after that writes nothing back.
    await sessions.clearLoginFailures(key);
    await sessions.settleLoginAttempt(key, 'x', now);
    expect(await sessions.loginAttempts(key)).toEqual({ failures: [], running: {}, seq: 0 });
  });

  it('the throttle also applies to unknown emails (same behaviour as known ones)', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 5; i++)
      expect((await call('POST', '/api/auth/login', { body: { email, password: 'guess' } })).status).toBe(401);
    expect((await call('POST', '/api/auth/login', { body: { email, password: 'guess' } })).status).toBe(429);
  });

  it('a success before the fifth failure resets the count', async () => {
    const { email, password } = await signupAndLogin();
    for (let i = 0; i < 4; i++) await call('POST', '/api/auth/login', { body: { email, password: 'wrong' } });
    expect((await call('POST', '/api/auth/login', { body: { email, password } })).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await call('POST', '/api/auth/login', { body: { email, password: 'wrong' } })).status).toBe(401);
    expect((await call('POST', '/api/auth/login', { body: { email, password } })).status).toBe(200);
  });
});

describe('GET /api/auth/validate (and the /auth/validate alias)', () => {
  it.each(['/api/auth/validate', '/auth/validate'])('%s: 200 {userId,email,role,expiresAt}', async (resource) => {
    const user = await signupAndLogin();
    const response = await call('GET', resource, { headers: bearer(user.accessToken) });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['email', 'expiresAt', 'role', 'userId']);
    expect(response.body).toMatchObject({ userId: user.id, email: user.email, role: 'patient' });
    const expiresIn = (Date.parse(response.body.expiresAt as string) - Date.now()) / 1000;
    expect(expiresIn).toBeGreaterThan(800);
    expect(expiresIn).toBeLessThanOrEqual(900);
  });

  it.each([
    ['no header', {}],
    ['a garbled header', { Authorization: 'Bearer garbage' }],
    ['no "Bearer "', { Authorization: 'x.y.z' }],
  ])('401 problem+json with %s', async (_name, headers) => {
    for (const resource of ['/api/auth/validate', '/auth/validate']) {
      const response = await call('GET', resource, { headers });
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toBe('application/problem+json');
    }
  });
});

describe('POST /api/auth/refresh', () => {
  it('200 with a new pair; the refresh token rotates and the new one works', async () => {
    const user = await signupAndLogin();
    const first = await call('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect(first.body.accessToken).not.toBe(user.accessToken);
    expect(
      (await call('GET', '/api/auth/validate', { headers: bearer(first.body.accessToken as string) })).body.userId,
    ).toBe(user.id);
    const second = await call('POST', '/api/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
  });

  it('reusing an already-used refresh token → 401 and revokes every token of that login', async () => {
    const user = await signupAndLogin();
    const rotated = await call('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(rotated.status).toBe(200);
    const reuse = await call('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(reuse.status).toBe(401);
    // The whole family is gone: the rotated refresh token, the original and the new access token.
    expect(
      (await call('POST', '/api/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status,
    ).toBe(401);
    for (const token of [user.accessToken, rotated.body.accessToken as string]) {
      expect((await call('GET', '/api/auth/validate', { headers: bearer(token) })).status).toBe(401);
    }
  });

  it('another login of the same user is not affected by a reuse in the first', async () => {
    const user = await signupAndLogin();
    const second = await call('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
    await call('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
    await call('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(
      (await call('GET', '/api/auth/validate', { headers: bearer(second.body.accessToken as string) })).status,
    ).toBe(200);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: second.body.refreshToken } })).status).toBe(
      200,
    );
  });

  it('only one of two concurrent exchanges of the same refresh token can win', async () => {
    const user = await signupAndLogin();
    const results = await Promise.all(
      [0, 1].map(() => call('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } })),
    );
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
  });

  it('a refresh token names its login and user; naming others makes it worthless', async () => {
    const user = await signupAndLogin();
    const other = await signupAndLogin();
    const owner = parseRefreshToken(user.refreshToken)?.owner;
    expect(owner).toEqual({ familyId: expect.stringMatching(/^[0-9a-f-]{36}$/), userId: user.id });
    const [, , secret] = user.refreshToken.split('.');
    for (const forged of [
      `${owner!.familyId}.${other.id}.${secret}`,
      `${parseRefreshToken(other.refreshToken)!.owner!.familyId}.${user.id}.${secret}`,
    ])
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: forged } })).status).toBe(401);
    // Tokens of no shape of ours are refused before any read: none of their text reaches a key (DynamoDB caps a key
    // at 2 KB and would answer a longer one with an error, not a 401).
    for (const odd of [`${'f'.repeat(4000)}.${user.id}.${secret}`, adminToken, `${secret}.${secret}`, 'x'])
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: odd } })).status).toBe(401);
    // Neither login noticed: the forgeries matched no stored token.
    for (const token of [user.refreshToken, other.refreshToken])
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: token } })).status).toBe(200);
  });

  it('a token issued before tokens named their login (the bare secret) still refreshes, once', async () => {
    const user = await signupAndLogin();
    const { sessions } = authPorts();
    const record = await sessions.findRefresh(refreshTokenHash(user.refreshToken));
    const older = randomBytes(32).toString('base64url');
    const now = Date.now();
    // What a refresh did before: the presented token used, the bare secret stored as the next one.
    await sessions.rotate(
      refreshTokenHash(user.refreshToken),
      record!,
      { refreshHash: refreshTokenHash(older), refreshExpiresAt: Math.floor(now / 1000) + 600 },
      now,
    );
    const refreshed = await call('POST', '/api/auth/refresh', { body: { refreshToken: older } });
    expect(refreshed.status).toBe(200);
    expect(parseRefreshToken(refreshed.body.refreshToken as string)?.owner).toEqual({
      familyId: record!.familyId,
      userId: user.id,
    });
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: older } })).status).toBe(401); // reuse
  });

  it('401 for an unknown refresh token; 400 for a missing or extra field', async () => {
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: randomUUID() } })).status).toBe(401);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: adminToken } })).status).toBe(401); // an access token is no refresh token
    expect((await call('POST', '/api/auth/refresh', { body: {} })).status).toBe(400);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: 'x', extra: 1 } })).status).toBe(400);
  });
});

describe('POST /api/auth/logout', () => {
  it('204; then that access token and its refresh token → 401', async () => {
    const user = await signupAndLogin();
    const refreshed = await call('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
    const logout = await call('POST', '/api/auth/logout', { headers: bearer(refreshed.body.accessToken as string) });
    expect(logout.status).toBe(204);
    expect(
      (await call('GET', '/api/auth/validate', { headers: bearer(refreshed.body.accessToken as string) })).status,
    ).toBe(401);
    expect(
      (await call('POST', '/api/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } })).status,
    ).toBe(401);
    // The first access token of the same login is revoked too, and logging out twice is a 401.
    expect((await call('GET', '/api/auth/validate', { headers: bearer(user.accessToken) })).status).toBe(401);
    expect(
      (await call('POST', '/api/auth/logout', { headers: bearer(refreshed.body.accessToken as string) })).status,
    ).toBe(401);
  });

  it('401 without a valid Bearer token', async () => {
    expect((await call('POST', '/api/auth/logout')).status).toBe(401);
    expect((await call('POST', '/api/auth/logout', { headers: { Authorization: 'Bearer a.b.c' } })).status).toBe(401);
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('200 with the public ES256 keys only', async () => {
    const response = await call('GET', '/.well-known/jwks.json');
    expect(response.status).toBe(200);
    const keys = response.body.keys as Record<string, unknown>[];
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.kid).toEqual(expect.any(String));
      expect(key.d).toBeUndefined();
    }
    const header = JSON.parse(Buffer.from(adminToken.split('.')[0]!, 'base64url').toString());
    expect(keys.map((k) => k.kid)).toContain(header.kid);
  });
});

describe('security events', () => {
  it('logs sign-ups, logins, failures, throttling, refresh-token reuse and logout, by id only: no email, password or token', async () => {
    const logged: unknown[][] = [];
    const spies = (['info', 'warn'] as const).map((level) =>
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
        logged.push([level, ...args]);
      }),
    );
    try {
      const clinician = await signupAndLogin('clinician', adminToken);
      await call('POST', '/api/auth/login', { body: { email: clinician.email, password: 'Tr0ub4dor&3-wrong' } });
      const stranger = uniqueEmail('stranger');
      await call('POST', '/api/auth/login', { body: { email: stranger, password: 'a guess of 8+' } });
      const rotated = await call('POST', '/api/auth/refresh', { body: { refreshToken: clinician.refreshToken } });
      await call('POST', '/api/auth/refresh', { body: { refreshToken: clinician.refreshToken } });
      const again = await call('POST', '/api/auth/login', {
        body: { email: clinician.email, password: clinician.password },
      });
      await call('POST', '/api/auth/logout', { headers: bearer(again.body.accessToken as string) });
      await call('POST', '/api/auth/refresh', { body: { refreshToken: again.body.refreshToken } }); // after logout: routine, not theft
      for (let i = 0; i < 6; i++)
        await call('POST', '/api/auth/login', { body: { email: stranger, password: 'a guess of 8+' } });

      const events = logged.map(([level, , fields]) => [level, (fields as { securityEvent?: string })?.securityEvent]);
      expect(events).toEqual(
        expect.arrayContaining([
          ['info', 'USER_CREATED'],
          ['info', 'LOGIN_SUCCEEDED'],
          ['warn', 'LOGIN_FAILED'],
          ['warn', 'REFRESH_TOKEN_REUSED'],
          ['info', 'LOGGED_OUT'],
          ['warn', 'LOGIN_THROTTLED'],
          ['info', 'REFRESH_AFTER_REVOCATION'],
        ]),
      );
      expect(events.filter(([, name]) => name === 'REFRESH_TOKEN_REUSED')).toHaveLength(1);
      const created = logged.find(([, , f]) => (f as { securityEvent?: string }).securityEvent === 'USER_CREATED')![2];
      expect(created).toMatchObject({ userId: clinician.id, role: 'clinician', grantedBy: expect.any(String) });
      const text = JSON.stringify(logged).toLowerCase();
      for (const secret of [
        clinician.email,
        stranger.toLowerCase(),
        clinician.password,
        'Tr0ub4dor&3-wrong',
        'a guess of 8+',
        clinician.refreshToken,
        clinician.accessToken,
        rotated.body.refreshToken as string,
      ]) {
        expect(text).not.toContain(secret.toLowerCase());
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

/** A count of attempt `id` at `at` that keeps no failure: what reserveLoginAttempt writes, stripped down. */
function attempt(id: string, at: number) {
  return { id, at, keep: [], drop: [] };
}
