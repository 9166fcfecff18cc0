/**
 * Forged and broken access tokens: every attack the contract says must be refused. Shared by the unit,
 * integration and e2e tests of auth (each presents them to the real code under test).
 */
import { randomUUID } from 'node:crypto';
import { exportSPKI, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { generateSigningJwk } from '../../../functions/auth/domain/keys';

export interface ForgeInput {
  /** The real current private signing JWK (from the key file), to sign tokens valid but for one claim. */
  signingJwk: JWK;
  issuer: string;
  audience: string;
  userId?: string;
  role?: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function forgedTokens(input: ForgeInput): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const kid = input.signingJwk.kid!;
  const claims = { email: 'attacker@example.com', role: input.role ?? 'admin' };
  const base = (iss = input.issuer, aud = input.audience) =>
    new SignJWT(claims)
      .setIssuer(iss)
      .setAudience(aud)
      .setSubject(input.userId ?? randomUUID())
      .setJti(randomUUID());
  const realKey = (await importJWK(input.signingJwk, 'ES256')) as CryptoKey;
  const es256 = { alg: 'ES256', kid, typ: 'JWT' };
  const otherJwk = await generateSigningJwk();
  const otherKey = (await importJWK(otherJwk, 'ES256')) as CryptoKey;
  const { d: _private, ...publicJwk } = input.signingJwk;
  const publicPem = await exportSPKI((await importJWK(publicJwk, 'ES256')) as CryptoKey);
  const payload = {
    ...claims,
    iss: input.issuer,
    aud: input.audience,
    sub: input.userId ?? randomUUID(),
    jti: randomUUID(),
    iat: now,
    exp: now + 900,
  };
  const valid = await base()
    .setProtectedHeader(es256)
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .sign(realKey);
  const [validHeader, , validSignature] = valid.split('.');

  return {
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
    'alg None with a signature': `${b64({ alg: 'None', kid, typ: 'JWT' })}.${b64(payload)}.${validSignature}`,
    'HS256 signed with the public key bytes': await base()
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(new TextEncoder().encode(publicPem)),
    'HS256 signed with the public JWK': await base()
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
    'signed by another key with the real kid': await base()
      .setProtectedHeader(es256)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(otherKey),
    'signed by another key with its own kid': await base()
      .setProtectedHeader({ ...es256, kid: otherJwk.kid! })
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(otherKey),
    'payload altered after signing': `${validHeader}.${b64({ ...payload, role: 'admin', sub: randomUUID() })}.${validSignature}`,
    'wrong issuer': await base('https://evil.example.com')
      .setProtectedHeader(es256)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(realKey),
    'wrong audience': await base(input.issuer, 'some-other-api')
      .setProtectedHeader(es256)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(realKey),
    expired: await base()
      .setProtectedHeader(es256)
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 1800)
      .sign(realKey),
    'not yet valid (nbf in the future)': await base()
      .setProtectedHeader(es256)
      .setIssuedAt(now)
      .setNotBefore(now + 600)
      .setExpirationTime(now + 900)
      .sign(realKey),
    'no expiry': await base().setProtectedHeader(es256).setIssuedAt(now).sign(realKey),
    'issued in the future': await base()
      .setProtectedHeader(es256)
      .setIssuedAt(now + 600)
      .setExpirationTime(now + 900)
      .sign(realKey),
    'no issued-at': await base()
      .setProtectedHeader(es256)
      .setExpirationTime(now + 900)
      .sign(realKey),
    'a lifetime longer than 15 minutes': await base()
      .setProtectedHeader(es256)
      .setIssuedAt(now)
      .setExpirationTime(now + 365 * 86400)
      .sign(realKey),
    'unknown role': await new SignJWT({ email: 'x@example.com', role: 'superuser' })
      .setIssuer(input.issuer)
      .setAudience(input.audience)
      .setSubject(randomUUID())
      .setJti(randomUUID())
      .setProtectedHeader(es256)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(realKey),
    garbage: 'not.a.jwt',
    'random bytes': Buffer.from(randomUUID()).toString('base64url'),
    empty: '',
  };
}

/** Authorization header values that are not `Bearer <jwt>` at all, given a valid token. */
export function malformedHeaders(validToken: string): Record<string, string> {
  return {
    'token without "Bearer "': validToken,
    'Basic scheme': `Basic ${Buffer.from('a:b').toString('base64')}`,
    'Bearer with nothing after it': 'Bearer ',
    'two tokens': `Bearer ${validToken} ${validToken}`,
  };
}
