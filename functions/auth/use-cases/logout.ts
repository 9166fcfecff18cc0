/** Logout: the presented access token and its whole login (refresh token, sibling access tokens) stop working at once. */
import type { AuthPorts } from '../ports';
import { securityEvent } from '../security-log';
import { authenticate } from './tokens';

export async function logout(ports: AuthPorts, bearer: string | undefined): Promise<void> {
  const claims = await authenticate(ports, bearer);
  await ports.sessions.revokeFamily(claims.sid);
  securityEvent('LOGGED_OUT', { userId: claims.userId, familyId: claims.sid });
}
