/**
 * POST /api/auth/password through the auth handler against DynamoDB Local: the current password is
 * checked (and throttled like a login), the new one works at once, and every earlier login ends.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { handler as authHandler } from '../../../functions/auth/handler';
import { apiEvent, lambdaContext, parse, uniqueEmail, useAuthEnvironment, type EventInput } from './helpers';

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
  return { email, password, first: first.body as Record<string, string>, second: second.body as Record<string, string> };
}

beforeAll(async () => { await useAuthEnvironment(); });

it('200 with a new login; the new password works, the old one does not; every earlier login ends', async () => {
  const user = await userWithTwoLogins();
  const changed = await call('POST', '/api/auth/password', {
    headers: bearer(user.first.accessToken!), body: { currentPassword: user.password, newPassword: 'the new password' },
  });
  expect(changed.status).toBe(200);
  expect(Object.keys(changed.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'token', 'tokenType']);

  expect((await call('POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(401);
  expect((await call('POST', '/api/auth/login', { body: { email: user.email, password: 'the new password' } })).status).toBe(200);
  // The presented login at once; the other one at its next refresh.
  expect((await call('GET', '/api/auth/validate', { headers: bearer(user.first.accessToken!) })).status).toBe(401);
  expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: user.first.refreshToken } })).status).toBe(401);
  expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: user.second.refreshToken } })).status).toBe(401);
  // The login it answered with carries on.
  expect((await call('GET', '/api/auth/validate', { headers: bearer(changed.body.accessToken as string) })).status).toBe(200);
  expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: changed.body.refreshToken } })).status).toBe(200);
});

it('403 for a wrong current password, 429 after five; 400 for a short new one; 401 without a token', async () => {
  const user = await userWithTwoLogins();
  const attempt = (currentPassword: string, newPassword = 'a brand new one') =>
    call('POST', '/api/auth/password', { headers: bearer(user.first.accessToken!), body: { currentPassword, newPassword } });
  const short = await attempt(user.password, 'short');
  expect([short.status, (short.body.errors as { field: string }[])[0]!.field]).toEqual([400, 'newPassword']);
  expect((await call('POST', '/api/auth/password', { body: { currentPassword: user.password, newPassword: 'a brand new one' } })).status).toBe(401);
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await attempt('not my password')).status);
  expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
  expect((await call('POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(429); // one throttle for both
});
