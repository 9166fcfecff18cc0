/**
 * Administration of users (admin only): list, read, change role or status, end every login. A role
 * change or a disabling ends the user's logins at once; an admin cannot lock themselves out, and the
 * last active admin can never be removed.
 */
import { REREAD_AFTER_LOST_RACE, retry } from '../../commons/retry';
import type { Role } from '../../commons/roles';
import { AuthError } from '../domain/errors';
import { isUuid, userCursor, type UserCursor } from '../domain/user-cursor';
import type { AuthPorts, UserRecord, UserStatus } from '../ports';
import { securityEvent } from '../security-log';
import { authenticate } from './tokens';

export interface PublicUser {
  id: string;
  email: string;
  role: Role;
  status: UserStatus;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface UserPage {
  users: PublicUser[];
  nextCursor: string | null;
}

export interface UserListRequest {
  role?: Role;
  status?: UserStatus;
  limit: number;
  after?: UserCursor;
}

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    status: user.status ?? 'active',
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt ?? null,
  };
}

export async function requireAdmin(ports: AuthPorts, bearer: string | undefined) {
  const caller = await authenticate(ports, bearer);
  if (caller.role !== 'admin') throw new AuthError('FORBIDDEN');
  return caller;
}

async function existingUser(ports: AuthPorts, id: string | undefined): Promise<UserRecord> {
  const user = isUuid(id) ? await ports.users.findById(id.toLowerCase()) : undefined;
  if (!user) throw new AuthError('NOT_FOUND');
  return user;
}

/** `request` reads and validates the query; called once the caller is known to be an admin. */
export async function listUsers(
  ports: AuthPorts,
  bearer: string | undefined,
  request: () => UserListRequest,
): Promise<UserPage> {
  await requireAdmin(ports, bearer);
  const { users, more } = await ports.users.list(request());
  const last = users[users.length - 1];
  return { users: users.map(toPublicUser), nextCursor: more && last ? userCursor(last) : null };
}

export async function getUser(
  ports: AuthPorts,
  bearer: string | undefined,
  id: string | undefined,
): Promise<PublicUser> {
  await requireAdmin(ports, bearer);
  return toPublicUser(await existingUser(ports, id));
}

export async function updateUser(
  ports: AuthPorts,
  bearer: string | undefined,
  id: string | undefined,
  readPatch: () => { role?: Role; status?: UserStatus },
): Promise<PublicUser> {
  const admin = await requireAdmin(ports, bearer);
  const patch = readPatch();
  // A change that lost a race to another change of the user is read and applied again: last writer wins.
  return retry(
    async () => {
      const user = await existingUser(ports, id);
      const current = { role: user.role, status: user.status ?? 'active' };
      const next = { role: patch.role ?? current.role, status: patch.status ?? current.status };
      if (user.id === admin.userId && (next.status !== 'active' || next.role !== 'admin'))
        throw new AuthError('SELF_LOCKOUT');
      if (next.role === current.role && next.status === current.status) return toPublicUser(user);
      await ports.users.update(user.id, { ...next, expected: current, at: ports.clock.now().getTime() });
      securityEvent('USER_UPDATED', { userId: user.id, grantedBy: admin.userId, role: next.role, status: next.status });
      return toPublicUser({ ...user, ...next });
    },
    { ...REREAD_AFTER_LOST_RACE, retryable: (error) => error instanceof AuthError && error.kind === 'CONFLICT' },
  );
}

export async function endUserLogins(
  ports: AuthPorts,
  bearer: string | undefined,
  id: string | undefined,
): Promise<void> {
  const admin = await requireAdmin(ports, bearer);
  const user = await existingUser(ports, id);
  await ports.users.endLogins(user.id, ports.clock.now().getTime());
  securityEvent('LOGINS_ENDED', { userId: user.id, grantedBy: admin.userId });
}
