/**
 * The LocalStack community shape over HTTP: `REQUIRE_TOKEN_IN_FUNCTION=true npm start` runs the gateway
 * without the Lambda authorizer, as that profile deploys it, and the functions check tokens themselves.
 * The contract must hold all the same. Runs its own runtime.
 */
import { smoke } from '../../../scripts/smoke';
import { DEMO_ADMIN } from '../../support/http';
import { startRuntimeProcess, type RuntimeProcess } from '../../support/runtime-process';

let runtime: RuntimeProcess;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ env: { REQUIRE_TOKEN_IN_FUNCTION: 'true' } });
});
afterAll(async () => {
  await runtime?.stop();
});

const call = async (method: string, path: string, token?: string, body?: unknown) => {
  const response = await fetch(`${runtime.baseUrl}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: text ? JSON.parse(text) : undefined,
  };
};

it('says so when it starts', () => {
  expect(runtime.output()).toContain('token checks in the functions');
});

it("passes the smoke script's core flow (login, create, read, analytics, delete)", async () => {
  const steps = await smoke(runtime.baseUrl, DEMO_ADMIN.email, DEMO_ADMIN.password, () => undefined);
  expect(steps.filter((s) => !s.ok)).toEqual([]);
  expect(steps).toHaveLength(6);
});

it('refuses guarded routes without a valid token with 401 problem+json', async () => {
  for (const [method, path] of [
    ['GET', '/api/patients'],
    ['POST', '/api/patients'],
    ['GET', '/api/patients/x'],
    ['DELETE', '/api/patients/x'],
    ['GET', '/api/analytics'],
  ] as const) {
    for (const token of [undefined, 'not.a.jwt', 'eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ.']) {
      const response = await call(method, path, token, method === 'POST' ? {} : undefined);
      expect([method, path, token, response.status, response.type]).toEqual([
        method,
        path,
        token,
        401,
        'application/problem+json',
      ]);
    }
  }
});

it('sees a logout on the very next request, and keeps analytics from patients', async () => {
  const email = `community-${Date.now()}@e2e.test`;
  expect((await call('POST', '/api/auth/signup', undefined, { email, password: 'e2e-password-123' })).status).toBe(201);
  const token = (await call('POST', '/api/auth/login', undefined, { email, password: 'e2e-password-123' })).body
    .accessToken as string;
  expect((await call('GET', '/api/analytics', token)).status).toBe(403);
  expect((await call('POST', '/api/auth/logout', token)).status).toBe(204);
  expect((await call('GET', '/api/analytics', token)).status).toBe(401);
});
