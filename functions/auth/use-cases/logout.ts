/** Logout: the presented access token and its whole login (refresh tokens, sibling access tokens) stop working at once. */
import type { AuthPorts } from '../ports';
import { securityEvent } from '../security-log';
import { authenticate } from './tokens';

export async function logout(ports: AuthPorts, bearer: string | undefined): Promise<void> {
  const claims = await authenticate(ports, bearer);
  await ports.sessions.revokeAccessToken(claims.jti, claims.exp);
  if (claims.sid) await ports.sessions.revokeFamily(claims.sid, Math.floor(ports.now() / 1000));
  securityEvent('LOGGED_OUT', { userId: claims.userId, familyId: claims.sid });
}
