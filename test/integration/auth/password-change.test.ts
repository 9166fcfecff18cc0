/**
 * POST /api/auth/password through the auth handler and the TOKEN authorizer against DynamoDB Local: the
 * current password is checked (throttled per login), the new one works at once, and every earlier login
 * ends at once: its access tokens in the authorizer and in the auth function, its refresh tokens.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { handler as authHandler } from '../../../functions/auth/handler';
import { handler as authorizer } from '../../../functions/authorizer/handler';
import {
  apiEvent,
  lambdaContext,
  parse,
  tokenEvent,
  uniqueEmail,
  useAuthEnvironment,
  type EventInput,
} from './helpers';

jest.setTimeout(120_000); // several full scrypt hashes per test

const call = async (method: string, resource: string, input: EventInput = {}) =>
  parse((await authHandler(apiEvent(method, resource, input), lambdaContext('auth'))) as APIGatewayProxyResult);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function userWithTwoLogins() {
  const email = uniqueEmail('changer');
  const password = 'the old password';
  expect((await call('POST', '/api/auth/signup', { body: { email, password } })).status).toBe(201);
  const first = await call('POST', '/api/auth/login', { body: { email, password } });
  const second = await call('POST', '/api/auth/login', { body: { email, password } });
  return {
    email,
    password,
    first: first.body as Record<string, string>,
    second: second.body as Record<string, string>,
  };
}

beforeAll(async () => {
  await useAuthEnvironment();
});

it('200 with a new login; the new password works, the old one does not; every earlier login ends', async () => {
  const user = await userWithTwoLogins();
  const changed = await call('POST', '/api/auth/password', {
    headers: bearer(user.first.accessToken!),
    body: { currentPassword: user.password, newPassword: 'the new password' },
  });
  expect(changed.status).toBe(200);
  expect(Object.keys(changed.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'token', 'tokenType']);

  expect((await call('POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(
    401,
  );
  expect(
    (await call('POST', '/api/auth/login', { body: { email: user.email, password: 'the new password' } })).status,
  ).toBe(200);
  // Every earlier login at once, the presented one and the other: access tokens (here and in the authorizer) and refresh tokens.
  for (const login of [user.first, user.second]) {
    expect((await call('GET', '/api/auth/validate', { headers: bearer(login.accessToken!) })).status).toBe(401);
    await expect(authorizer(tokenEvent(`Bearer ${login.accessToken}`))).rejects.toThrow('Unauthorized');
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: login.refreshToken } })).status).toBe(401);
  }
  await expect(authorizer(tokenEvent(`Bearer ${changed.body.accessToken as string}`))).resolves.toMatchObject({
    principalId: expect.any(String),
  });
  // The login it answered with carries on.
  expect(
    (await call('GET', '/api/auth/validate', { headers: bearer(changed.body.accessToken as string) })).status,
  ).toBe(200);
  expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: changed.body.refreshToken } })).status).toBe(
    200,
  );
});

it('403 for a wrong current password, 429 after five for that login only; 400 for a short or common new one; 401 without a token', async () => {
  const user = await userWithTwoLogins();
  const attempt = (currentPassword: string, newPassword = 'a brand new one', token = user.first.accessToken!) =>
    call('POST', '/api/auth/password', { headers: bearer(token), body: { currentPassword, newPassword } });
  for (const weak of ['short', '12345678', 'password', user.email]) {
    const refused = await attempt(user.password, weak);
    expect([refused.status, (refused.body.errors as { field: string }[])[0]!.field]).toEqual([400, 'newPassword']);
  }
  expect(
    (
      await call('POST', '/api/auth/password', {
        body: { currentPassword: user.password, newPassword: 'a brand new one' },
      })
    ).status,
  ).toBe(401);
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await attempt('not my password')).status);
  expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
  // A stolen session's guesses lock neither the owner's sign-in nor their other sessions.
  expect((await call('POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(
    200,
  );
  expect((await attempt(user.password, 'a brand new one', user.second.accessToken!)).status).toBe(200);
});

it('failed logins from anyone never stop a signed-in user from changing their password', async () => {
  const user = await userWithTwoLogins();
  for (let i = 0; i < 6; i++)
    await call('POST', '/api/auth/login', { body: { email: user.email, password: 'an attacker guess' } });
  expect((await call('POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(
    429,
  );
  const changed = await call('POST', '/api/auth/password', {
    headers: bearer(user.first.accessToken!),
    body: { currentPassword: user.password, newPassword: 'the new password' },
  });
  expect(changed.status).toBe(200);
});
