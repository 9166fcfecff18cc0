/** A user's own logins ("where am I signed in"): listed newest first, and ended one by one. */
import { AuthError } from '../domain/errors';
import { loginIsLive } from '../domain/login-state';
import { isUuid } from '../domain/user-cursor';
import type { AuthPorts } from '../ports';
import { securityEvent } from '../security-log';
import { authenticate } from './tokens';

export interface Session {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  current: boolean;
}

export async function listSessions(ports: AuthPorts, bearer: string | undefined): Promise<{ sessions: Session[] }> {
  const caller = await authenticate(ports, bearer);
  const now = ports.clock.now().getTime();
  const logins = await ports.sessions.loginsOf(caller.userId);
  return {
    sessions: logins
      .filter((login) => loginIsLive(login, caller.account, caller.userId, now) && login.expiresAt * 1000 > now)
      .map((login) => ({
        id: login.id,
        createdAt: new Date(login.startedAt).toISOString(),
        lastUsedAt: new Date(login.lastUsedAt).toISOString(),
        userAgent: login.userAgent ?? null,
        current: login.id === caller.sid,
      })),
  };
}

export async function endSession(ports: AuthPorts, bearer: string | undefined, id: string | undefined): Promise<void> {
  const caller = await authenticate(ports, bearer);
  // Only the caller's own, live logins exist for them: anything else is a 404, whoever it belongs to.
  const { login, account } = isUuid(id)
    ? await ports.sessions.accessState(id, caller.userId)
    : { login: undefined, account: undefined };
  if (!login || !account || !loginIsLive(login, account, caller.userId, ports.clock.now().getTime()))
    throw new AuthError('NOT_FOUND');
  await ports.sessions.revokeFamily(id!);
  securityEvent('LOGGED_OUT', { userId: caller.userId, familyId: id, endedFrom: caller.sid });
}
