/**
 * The authorizer's decision, one piece of code for both places it runs: the API Gateway TOKEN
 * authorizer (handler.ts) and, where a deployment has no Lambda authorizers (LocalStack's free
 * edition), the check inside each guarded function (in-function.ts).
 */
import { bearerToken, tokenSettings, verifyAccessToken, type AccessClaims } from '../auth/domain/access-token';
import { loginIsLive } from '../auth/domain/login-state';
import { loginAccess } from './login-access';
import { KeySourceError, publicKeys } from './public-keys';

/** The token is missing, invalid or revoked: a 401, never a 500. */
export class Unauthorized extends Error {
  constructor(cause?: unknown) {
    super('Unauthorized', { cause }); // API Gateway matches this message exactly
    this.name = 'Unauthorized';
  }
}

let verifier: { settings: ReturnType<typeof tokenSettings>; keys: ReturnType<typeof publicKeys> } | undefined;

/** Who the caller is, as the functions behind the authorizer receive it (`requestContext.authorizer`). */
export interface Decision extends AccessClaims {
  emailVerified: boolean;
}

/** The authorizer context: string values only, as API Gateway passes them on. */
export function authorizerContext(decision: Decision): Record<string, string> {
  return {
    userId: decision.userId,
    email: decision.email,
    role: decision.role,
    emailVerified: String(decision.emailVerified),
  };
}

/**
 * The claims of a valid access token of a live login (not logged out, not older than a password change,
 * not past its end) from an `Authorization: Bearer …` value. Throws Unauthorized for any bad token; a
 * key source or session lookup that fails propagates as an outage (fail closed, but visible as a 500
 * rather than a silent 401).
 */
export async function decide(authorization: string | undefined): Promise<Decision> {
  verifier ??= { settings: tokenSettings(), keys: publicKeys() };
  const token = bearerToken(authorization);
  if (!token) throw new Unauthorized();
  let claims: AccessClaims;
  try {
    claims = await verifyAccessToken(token, verifier.keys, verifier.settings);
  } catch (error) {
    if (error instanceof KeySourceError) throw error;
    throw new Unauthorized(error);
  }
  if (!claims.sid) throw new Unauthorized();
  const { login, account } = await loginAccess(claims.sid, claims.userId);
  if (!loginIsLive(login, account, claims.userId, Date.now())) throw new Unauthorized();
  return { ...claims, emailVerified: account.emailVerified };
}
