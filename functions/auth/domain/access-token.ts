/**
 * Access tokens: ES256-signed JWTs with a `kid`, 15 minutes. The verification rules live here once and
 * are shared by the TOKEN authorizer and the auth function, so both refuse exactly the same tokens.
 * Imports jose only (and two constants): the authorizer bundles this file and must stay small.
 */
import { jwtVerify, SignJWT, type CryptoKey, type JWTVerifyGetKey } from 'jose';
import { JWT_CLAIMS } from '../../../system/tokens';
import { isRole, type Role } from '../../commons/roles';

export const ALGORITHM = 'ES256';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Small: clocks of Lambda hosts are NTP-synchronised; this only absorbs sub-second skew between hosts. */
export const CLOCK_TOLERANCE_SECONDS = 5;

export interface TokenSettings {
  issuer: string;
  audience: string;
}

export function tokenSettings(env: NodeJS.ProcessEnv = process.env): TokenSettings {
  return { issuer: env.JWT_ISSUER || JWT_CLAIMS.JWT_ISSUER, audience: env.JWT_AUDIENCE || JWT_CLAIMS.JWT_AUDIENCE };
}

export interface AccessClaims {
  userId: string;
  email: string;
  role: Role;
  jti: string;
  /** Seconds since the epoch. */
  exp: number;
  /** The login (refresh-token family) the token belongs to; absent on tokens minted outside a login. */
  sid?: string;
}

export interface SigningKey {
  kid: string;
  key: CryptoKey;
}

export interface MintInput {
  userId: string;
  email: string;
  role: Role;
  jti: string;
  sid: string;
  now: number;
}

export async function mintAccessToken(
  signing: SigningKey,
  settings: TokenSettings,
  input: MintInput,
): Promise<{ token: string; exp: number }> {
  const iat = Math.floor(input.now / 1000);
  const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ email: input.email, role: input.role, sid: input.sid })
    .setProtectedHeader({ alg: ALGORITHM, kid: signing.kid, typ: 'JWT' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(input.userId)
    .setJti(input.jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(signing.key);
  return { token, exp };
}

/**
 * The token part of an `Authorization: Bearer <jwt>` header, or undefined when it is not one. The scheme's
 * name is case-insensitive and may be followed by several spaces (RFC 9110 §11.1, §11.4).
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i.exec(authorization?.trim() ?? '');
  return match?.[1];
}

/**
 * Verifies signature (ES256 only: `none` and HMAC are refused before any key is looked at), issuer,
 * audience, expiry, not-before, issued-at (not in the future, lifetime at most 15 minutes), and the
 * claims the API relies on. Throws on any failure.
 */
export async function verifyAccessToken(
  token: string,
  keys: JWTVerifyGetKey,
  settings: TokenSettings,
): Promise<AccessClaims> {
  const { payload } = await jwtVerify(token, keys, {
    algorithms: [ALGORITHM],
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['sub', 'jti', 'exp', 'iat'],
    // Issued in the past, at most one lifetime ago: a token minted with a future iat or a long life is not ours.
    maxTokenAge: ACCESS_TOKEN_TTL_SECONDS,
  });
  const { sub, jti, exp, iat, email, role, sid } = payload as Record<string, unknown>;
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp - iat > ACCESS_TOKEN_TTL_SECONDS)
    throw new Error('Access token lifetime is too long');
  if (
    typeof sub !== 'string' ||
    typeof jti !== 'string' ||
    typeof email !== 'string' ||
    !isRole(role) ||
    (sid !== undefined && typeof sid !== 'string')
  ) {
    throw new Error('Access token claims are incomplete');
  }
  return { userId: sub, email, role, jti, exp, ...(typeof sid === 'string' ? { sid } : {}) };
}
