/** The items the authorizer reads for a token: its login and its user's access state (the auth context's own keys). */
import { accountKey, familyKey } from '../../functions/auth/adapters/session-keys';

export function accessStateKeys(token: string): Record<string, string>[] {
  const { sid, sub } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    sid: string;
    sub: string;
  };
  return [familyKey(sid), accountKey(sub)];
}
