/**
 * The token check inside the functions (LocalStack community profile: no Lambda authorizer), against
 * DynamoDB Local and real keys. Every function that serves guarded routes must refuse what the TOKEN
 * authorizer refuses, take the caller only from the token, and leave the gateway's decision alone
 * when the check is off.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { JWK } from 'jose';
import { handler as analyticsHandler } from '../../../functions/analytics/query-handler';
import { handler as authHandler } from '../../../functions/auth/handler';
import { handler as billingHandler } from '../../../functions/billing/handler';
import { handler as patientsHandler } from '../../../functions/patients/handler';
import { resetPublicKeyCache } from '../../../functions/authorizer/public-keys';
import { guardedFunctions, routes, TOKEN_CHECK_VARIABLE } from '../../../system/routes';
import { forgedTokens } from '../../unit/auth/token-fixtures';
import { apiEvent, lambdaContext, parse, uniqueEmail, useAuthEnvironment, type EventInput } from './helpers';

jest.setTimeout(60_000);

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const HANDLERS: Record<string, Handler> = {
  patients: patientsHandler,
  'analytics-query': analyticsHandler,
  'billing-api': billingHandler,
};
/** The patient a route with `{id}` names: none such, so a token the function accepts is answered 404. */
const MISSING_PATIENT = '00000000-0000-4000-8000-000000000000';

const guarded = guardedFunctions().map((name) => {
  const reads = routes.filter((r) => r.function === name && r.authorized && r.method === 'GET');
  // A route without path parameters where the function has one (billing-api has none: every route names a patient).
  const route = reads.find((r) => !r.path.includes('{')) ?? reads.find((r) => r.path === '/api/patients/{id}/billing')!;
  return { name, route, accepted: route?.path.includes('{') ? 404 : 200, handler: () => HANDLERS[name]! };
});
const eventFor = (route: { method: string; path: string }, input: EventInput = {}) => {
  const event = apiEvent(route.method, route.path, input);
  if (route.path.includes('{id}')) event.pathParameters = { id: MISSING_PATIENT };
  return event;
};

const callAuth = async (method: string, resource: string, input: EventInput = {}) =>
  parse((await authHandler(apiEvent(method, resource, input), lambdaContext('auth'))) as APIGatewayProxyResult);

async function login(credentials?: { email: string; password: string }) {
  const body = credentials ?? { email: uniqueEmail(), password: 'kiwi-lantern-73' };
  if (!credentials) expect((await callAuth('POST', '/api/auth/signup', { body })).status).toBe(201);
  const response = await callAuth('POST', '/api/auth/login', { body });
  expect(response.status).toBe(200);
  return response.body.accessToken as string;
}

let signingJwk: JWK;
let adminToken: string;

beforeAll(async () => {
  ({ signingJwk } = await useAuthEnvironment());
  const { seedDemoAdmin, DEMO_ADMIN } = await import('../../../functions/auth/seed');
  await seedDemoAdmin();
  adminToken = await login(DEMO_ADMIN);
});
afterEach(() => {
  delete process.env[TOKEN_CHECK_VARIABLE];
});

it('covers every function behind guarded routes', () => {
  expect(guarded.map((g) => g.name).sort()).toEqual(Object.keys(HANDLERS).sort());
  for (const g of guarded) expect(g.route).toBeDefined();
});

describe.each(guarded)('$name with REQUIRE_TOKEN_IN_FUNCTION=true', ({ route, accepted, handler }) => {
  const call = async (authorization?: string, authorizer?: Record<string, string>) => {
    const event = eventFor(route, { headers: authorization === undefined ? {} : { Authorization: authorization } });
    if (authorizer) event.requestContext.authorizer = authorizer;
    return parse(await handler()(event, lambdaContext(route.function)));
  };
  beforeEach(() => {
    process.env[TOKEN_CHECK_VARIABLE] = 'true';
  });

  it('answers a valid admin token', async () => {
    expect((await call(`Bearer ${adminToken}`)).status).toBe(accepted);
  });

  it('refuses a request without a token with 401 problem+json, even with a forged authorizer context', async () => {
    const response = await call(undefined, {
      userId: 'u-1',
      email: 'x@example.com',
      role: 'admin',
      principalId: 'u-1',
    });
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({ status: 401, detail: 'A valid access token is required' });
  });

  it('refuses every forged or broken token with 401', async () => {
    const forged = await forgedTokens({ signingJwk, issuer: 'patient-management', audience: 'patient-management-api' });
    for (const [name, token] of Object.entries(forged)) {
      expect([name, (await call(`Bearer ${token}`)).status]).toEqual([name, 401]);
    }
  });

  it('refuses a token on the very next request after its logout', async () => {
    const token = await login();
    expect((await call(`Bearer ${token}`)).status).not.toBe(401);
    expect((await callAuth('POST', '/api/auth/logout', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(
      204,
    );
    expect((await call(`Bearer ${token}`)).status).toBe(401);
  });

  it('answers 500, not 401, when the public keys cannot be read', async () => {
    const file = process.env.PUBLIC_JWKS_FILE!;
    try {
      process.env.PUBLIC_JWKS_FILE = `${file}.missing`;
      resetPublicKeyCache();
      const response = await call(`Bearer ${adminToken}`);
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ status: 500, detail: 'The authorizer failed' });
    } finally {
      process.env.PUBLIC_JWKS_FILE = file;
      resetPublicKeyCache();
    }
  });
});

it('takes the role from the token, not from a context the caller sent (analytics is for admins and clinicians)', async () => {
  process.env[TOKEN_CHECK_VARIABLE] = 'true';
  const analytics = guarded.find((g) => g.name === 'analytics-query')!;
  const event = apiEvent('GET', '/api/analytics', { headers: { Authorization: `Bearer ${await login()}` } });
  event.requestContext.authorizer = { userId: 'u-1', email: 'x@example.com', role: 'admin', principalId: 'u-1' };
  expect(parse(await analytics.handler()(event, lambdaContext('analytics-query'))).status).toBe(403);
});

it("without the variable, trusts the decision API Gateway's authorizer put in the request context", async () => {
  for (const { route, accepted, handler } of guarded) {
    const event = eventFor(route);
    event.requestContext.authorizer = { userId: 'u-1', email: 'admin@example.com', role: 'admin', principalId: 'u-1' };
    expect([route.function, parse(await handler()(event, lambdaContext(route.function))).status]).toEqual([
      route.function,
      accepted,
    ]);
  }
});
