/** Sign-up: anyone may create a patient; any other role needs an admin's access token. */
import { randomUUID } from 'node:crypto';
import { AuthError } from '../domain/errors';
import { hashPassword } from '../domain/password';
import type { AuthPorts } from '../ports';
import type { SignupRequest } from '../schemas';
import { securityEvent } from '../security-log';
import { authenticate } from './tokens';

export interface CreatedUser { id: string; email: string; role: SignupRequest['role'] & string; createdAt: string }

export async function signup(ports: AuthPorts, input: SignupRequest, bearer: string | undefined, hasAuthorization: boolean): Promise<CreatedUser> {
  const role = input.role ?? 'patient';
  let grantedBy: string | undefined;
  if (role !== 'patient') {
    if (!hasAuthorization) throw new AuthError('FORBIDDEN');
    const caller = await authenticate(ports, bearer);
    if (caller.role !== 'admin') throw new AuthError('FORBIDDEN');
    grantedBy = caller.userId;
  }
  // Refuse a taken email before paying for the hash; the transaction below still guards the race.
  if (await ports.users.findByEmail(input.email)) throw new AuthError('EMAIL_TAKEN');
  const user = {
    id: randomUUID(),
    email: input.email,
    role,
    passwordHash: await hashPassword(input.password, ports.passwordCost),
    createdAt: new Date(ports.now()).toISOString(),
  };
  await ports.users.create(user);
  securityEvent('USER_CREATED', { userId: user.id, role, grantedBy });
  return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt };
}
