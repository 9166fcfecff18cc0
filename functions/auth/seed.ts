/**
 * The local demo admin of the original system (`testuser@test.com` / `password123`), for `npm start`
 * only: the local runtime calls this; the deployed handler never imports it. Idempotent.
 */
import { randomUUID } from 'node:crypto';
import { AuthError } from './domain/errors';
import { hashPassword } from './domain/password';
import { authPorts } from './ports-from-env';
import type { AuthPorts } from './ports';

export const DEMO_ADMIN = { email: 'testuser@test.com', password: 'password123' } as const;

/** Returns true when the admin was created, false when it already existed. */
export async function seedDemoAdmin(ports: AuthPorts = authPorts()): Promise<boolean> {
  if (await ports.users.findByEmail(DEMO_ADMIN.email)) return false;
  try {
    await ports.users.create({
      id: randomUUID(), email: DEMO_ADMIN.email, role: 'admin',
      passwordHash: await hashPassword(DEMO_ADMIN.password, ports.passwordCost), createdAt: new Date(ports.now()).toISOString(),
    });
    return true;
  } catch (error) {
    if (error instanceof AuthError && error.kind === 'EMAIL_TAKEN') return false;
    throw error;
  }
}
