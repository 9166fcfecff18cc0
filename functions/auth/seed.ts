/**
 * The local demo admin of the original system (`testuser@test.com` / `password123`), for `npm start`
 * only: the local runtime calls this; the deployed handler never imports it. Idempotent.
 */
import { authPorts } from './ports-from-env';
import type { AuthPorts } from './ports';
import { ensureAdmin } from './use-cases/ensure-admin';
import { DEMO_ADMIN } from './demo-admin';

export { DEMO_ADMIN };

/** Returns true when the admin was created, false when it already existed. */
export async function seedDemoAdmin(ports: AuthPorts = authPorts()): Promise<boolean> {
  return ensureAdmin(ports, DEMO_ADMIN.email, DEMO_ADMIN.password);
}
