/**
 * The TOKEN authorizer against DynamoDB Local and real keys: allows valid tokens with the right policy
 * and context, refuses every attack the contract lists, and sees a logout on the very next request.
 */
import { rmSync } from 'node:fs';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { JWK } from 'jose';
import { handler as authHandler } from '../../../functions/auth/handler';
import { rotateLocalSigningKeys } from '../../../functions/auth/local-keys';
import { handler as authorizer } from '../../../functions/authorizer/handler';
import { resetPublicKeyCache } from '../../../functions/authorizer/public-keys';
import { forgedTokens, malformedHeaders } from '../../unit/auth/token-fixtures';
import {
  apiEvent,
  lambdaContext,
  parse,
  tokenEvent,
  uniqueEmail,
  useAuthEnvironment,
  type EventInput,
} from './helpers';

// Each login costs a full scrypt (about 0.3 s, more on a busy machine): generous per-test limits, no timing assertions.
jest.setTimeout(60_000);

const call = async (method: string, resource: string, input: EventInput = {}) =>
  parse((await authHandler(apiEvent(method, resource, input), lambdaContext('auth'))) as APIGatewayProxyResult);

async function newLogin(role: 'patient' | 'clinician' = 'patient', adminToken?: string) {
  const email = uniqueEmail();
  const signup = await call('POST', '/api/auth/signup', {
    body: { email, password: 'kiwi-lantern-73', ...(role !== 'patient' ? { role } : {}) },
    headers: adminToken ? { Authorization: `Bearer ${adminToken}` } : {},
  });
  expect(signup.status).toBe(201);
  const login = await call('POST', '/api/auth/login', { body: { email, password: 'kiwi-lantern-73' } });
  return {
    id: signup.body.id as string,
    email: email.toLowerCase(),
    ...(login.body as { accessToken: string; refreshToken: string }),
  };
}

let signingJwk: JWK;
let keysDir: string;

beforeAll(async () => {
  ({ signingJwk, keysDir } = await useAuthEnvironment());
});
afterAll(() => rmSync(keysDir, { recursive: true, force: true }));

it('allows a valid token: Allow on the API wildcard ARN, context {userId, email, role}', async () => {
  const user = await newLogin();
  const result = await authorizer(tokenEvent(`Bearer ${user.accessToken}`));
  expect(result).toEqual({
    principalId: user.id,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'execute-api:Invoke',
          Resource: 'arn:aws:execute-api:eu-west-1:123456789012:testapi/prod/*/*',
        },
      ],
    },
    context: { userId: user.id, email: user.email, role: 'patient', emailVerified: 'false' },
  });
});

describe('refuses with Error("Unauthorized")', () => {
  it.each([
    'alg none',
    'alg None with a signature',
    'HS256 signed with the public key bytes',
    'HS256 signed with the public JWK',
    'signed by another key with the real kid',
    'signed by another key with its own kid',
    'payload altered after signing',
    'wrong issuer',
    'wrong audience',
    'expired',
    'not yet valid (nbf in the future)',
    'no expiry',
    'unknown role',
    'garbage',
    'random bytes',
    'empty',
  ])('%s', async (name) => {
    const forged = await forgedTokens({ signingJwk, issuer: 'patient-management', audience: 'patient-management-api' });
    expect(forged[name]).toBeDefined();
    await expect(authorizer(tokenEvent(`Bearer ${forged[name]}`))).rejects.toThrow(/^Unauthorized$/);
    // The auth function's own token checks refuse the same tokens.
    expect(
      (await call('GET', '/api/auth/validate', { headers: { Authorization: `Bearer ${forged[name]}` } })).status,
    ).toBe(401);
  });

  it('headers that are not "Bearer <jwt>"', async () => {
    const user = await newLogin();
    for (const value of Object.values(malformedHeaders(user.accessToken))) {
      await expect(authorizer(tokenEvent(value))).rejects.toThrow(/^Unauthorized$/);
    }
  });

  it('a token revoked by logout, on the very next request', async () => {
    const user = await newLogin();
    await expect(authorizer(tokenEvent(`Bearer ${user.accessToken}`))).resolves.toBeDefined();
    expect(
      (await call('POST', '/api/auth/logout', { headers: { Authorization: `Bearer ${user.accessToken}` } })).status,
    ).toBe(204);
    await expect(authorizer(tokenEvent(`Bearer ${user.accessToken}`))).rejects.toThrow(/^Unauthorized$/);
  });

  it('every access token of a login whose refresh token was reused', async () => {
    const user = await newLogin();
    const rotated = await call('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } })).status).toBe(401);
    for (const token of [user.accessToken, rotated.body.accessToken as string]) {
      await expect(authorizer(tokenEvent(`Bearer ${token}`))).rejects.toThrow(/^Unauthorized$/);
    }
  });
});

it('passes the role of admin-created users', async () => {
  const admin = await call('POST', '/api/auth/login', {
    body: await (async () => {
      const { seedDemoAdmin, DEMO_ADMIN } = await import('../../../functions/auth/seed');
      await seedDemoAdmin();
      return DEMO_ADMIN;
    })(),
  });
  const clinician = await newLogin('clinician', admin.body.accessToken as string);
  const result = await authorizer(tokenEvent(`Bearer ${clinician.accessToken}`));
  expect(result.context).toMatchObject({ role: 'clinician', userId: clinician.id });
});

it('after a key rotation, accepts tokens of the new key and still those of the previous one', async () => {
  const before = await newLogin();
  await rotateLocalSigningKeys(keysDir);
  resetPublicKeyCache();
  // A new auth container picks up the new current key; here, a fresh module instance stands for it.
  let fresh = { body: {} as Record<string, unknown> };
  await jest.isolateModulesAsync(async () => {
    const { handler } = await import('../../../functions/auth/handler');
    const email = uniqueEmail();
    await handler(
      apiEvent('POST', '/api/auth/signup', { body: { email, password: 'kiwi-lantern-73' } }),
      lambdaContext('auth'),
    );
    fresh = parse(
      (await handler(
        apiEvent('POST', '/api/auth/login', { body: { email, password: 'kiwi-lantern-73' } }),
        lambdaContext('auth'),
      )) as APIGatewayProxyResult,
    );
  });
  const newKid = JSON.parse(Buffer.from((fresh.body.accessToken as string).split('.')[0]!, 'base64url').toString()).kid;
  expect(newKid).not.toBe(signingJwk.kid);
  await expect(authorizer(tokenEvent(`Bearer ${fresh.body.accessToken}`))).resolves.toBeDefined();
  await expect(authorizer(tokenEvent(`Bearer ${before.accessToken}`))).resolves.toBeDefined();
});

it('fails (not "Unauthorized") when its public keys cannot be read, and recovers when they can', async () => {
  const user = await newLogin();
  const file = process.env.PUBLIC_JWKS_FILE!;
  try {
    process.env.PUBLIC_JWKS_FILE = `${file}.missing`;
    resetPublicKeyCache();
    await expect(authorizer(tokenEvent(`Bearer ${user.accessToken}`))).rejects.toThrow(
      'The public keys could not be loaded',
    );
  } finally {
    process.env.PUBLIC_JWKS_FILE = file;
  }
  resetPublicKeyCache();
  await expect(authorizer(tokenEvent(`Bearer ${user.accessToken}`))).resolves.toBeDefined();
});
