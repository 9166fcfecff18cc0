import { createLocalJWKSet, type CryptoKey } from 'jose';
import { importJWK } from 'jose';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  bearerToken,
  mintAccessToken,
  tokenSettings,
  verifyAccessToken,
} from '../../../functions/auth/domain/access-token';
import { currentSigningKey, generateSigningJwk, publicKeySet, rotate } from '../../../functions/auth/domain/keys';
import { forgedTokens, malformedHeaders } from './token-fixtures';

const settings = tokenSettings({});

async function setup() {
  const previous = await generateSigningJwk();
  const current = await generateSigningJwk();
  const keySet = rotate(rotate(undefined, previous), current);
  return { previous, current, keySet, verifier: createLocalJWKSet(publicKeySet(keySet)) };
}

describe('access tokens', () => {
  it('carries iss aud sub email role jti iat exp (15 minutes) and a kid, and verifies', async () => {
    const { keySet, verifier, current } = await setup();
    const now = Date.now();
    const { token, exp } = await mintAccessToken(await currentSigningKey(keySet), settings, {
      userId: 'u-1',
      email: 'a@example.com',
      role: 'clinician',
      jti: 'j-1',
      sid: 's-1',
      now,
    });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toEqual({ alg: 'ES256', kid: current.kid, typ: 'JWT' });
    expect(payload).toMatchObject({
      iss: 'patient-management',
      aud: 'patient-management-api',
      sub: 'u-1',
      email: 'a@example.com',
      role: 'clinician',
      jti: 'j-1',
    });
    expect(payload.exp - payload.iat).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(exp).toBe(payload.exp);
    await expect(verifyAccessToken(token, verifier, settings)).resolves.toEqual({
      userId: 'u-1',
      email: 'a@example.com',
      role: 'clinician',
      jti: 'j-1',
      exp,
      sid: 's-1',
    });
  });

  it('still verifies a token signed with the previous key after a rotation', async () => {
    const { previous, verifier } = await setup();
    const key = { kid: previous.kid!, key: (await importJWK(previous, 'ES256')) as CryptoKey };
    const { token } = await mintAccessToken(key, settings, {
      userId: 'u',
      email: 'e@x.io',
      role: 'patient',
      jti: 'j',
      sid: 's',
      now: Date.now(),
    });
    await expect(verifyAccessToken(token, verifier, settings)).resolves.toMatchObject({ userId: 'u' });
  });

  it('is refused for a token signed by a key dropped by two rotations', async () => {
    const { keySet } = await setup();
    const { token } = await mintAccessToken(
      await currentSigningKey(rotate(undefined, await generateSigningJwk())),
      settings,
      { userId: 'u', email: 'e@x.io', role: 'patient', jti: 'j', sid: 's', now: Date.now() },
    );
    await expect(verifyAccessToken(token, createLocalJWKSet(publicKeySet(keySet)), settings)).rejects.toThrow();
  });

  it('is refused for every forged or broken token', async () => {
    const { current, verifier } = await setup();
    const forged = await forgedTokens({ signingJwk: current, ...settings });
    for (const [name, token] of Object.entries(forged)) {
      await expect(verifyAccessToken(token, verifier, settings).then(() => `${name}: accepted`)).rejects.toThrow();
    }
  });

  it('reads only "Bearer <jwt>" headers, the scheme in any case', () => {
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('Bearer a.b.')).toBe('a.b.');
    expect(bearerToken('bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('BEARER  a.b.c')).toBe('a.b.c');
    for (const value of [
      undefined,
      '',
      'a.b.c',
      'Bearer',
      'Bearer ',
      'Basic a.b.c',
      'bearer: a.b.c',
      'Bearer a.b',
      'Bearer a.b.c d',
    ]) {
      expect(bearerToken(value)).toBeUndefined();
    }
    expect(Object.values(malformedHeaders('a.b.c')).map(bearerToken)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads issuer and audience from the environment, with the documented defaults', () => {
    expect(tokenSettings({})).toEqual({ issuer: 'patient-management', audience: 'patient-management-api' });
    expect(tokenSettings({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' })).toEqual({ issuer: 'i', audience: 'a' });
  });
});
