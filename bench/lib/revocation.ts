/** The revocation record the authorizer reads for a token id: the auth function's own key layout. */
import { revokedKey } from '../../functions/auth/adapters/dynamo-session-store';

export function revocationKey(jti: string): Record<string, string> {
  return revokedKey(jti);
}

export const jtiOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
