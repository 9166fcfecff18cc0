/** Creates an admin with the given credentials unless the email is already registered (idempotent). */
import { AuthError } from '../domain/errors';
import { hashPassword } from '../domain/password';
import type { AuthPorts } from '../ports';

export async function ensureAdmin(
  ports: Pick<AuthPorts, 'users' | 'clock' | 'newId' | 'passwordCost'>,
  email: string,
  password: string,
): Promise<boolean> {
  const normalized = email.trim().toLowerCase();
  if (await ports.users.findByEmail(normalized)) return false;
  try {
    await ports.users.create({
      id: ports.newId(),
      email: normalized,
      role: 'admin',
      emailVerified: true,
      passwordHash: await hashPassword(password, ports.passwordCost),
      createdAt: ports.clock.now().toISOString(),
    });
    return true;
  } catch (error) {
    if (error instanceof AuthError && error.kind === 'EMAIL_TAKEN') return false;
    throw error;
  }
}
