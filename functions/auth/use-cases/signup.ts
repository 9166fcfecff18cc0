/**
 * Sign-up: anyone may create a patient, whose email must then be verified with a one-time code before
 * the account shows any record; any other role needs an admin's access token, and a user an admin
 * creates is verified by that act.
 */
import type { AccessClaims } from '../domain/access-token';
import { AuthError } from '../domain/errors';
import { hashPassword } from '../domain/password';
import { assertAcceptablePassword } from '../domain/password-policy';
import type { AuthPorts } from '../ports';
import type { SignupRequest } from '../schemas';
import { securityEvent } from '../security-log';
import { authenticate } from './tokens';
import { sendVerificationCode } from './verify-email';

export interface CreatedUser {
  id: string;
  email: string;
  role: SignupRequest['role'] & string;
  createdAt: string;
}

export async function signup(
  ports: AuthPorts,
  input: SignupRequest,
  bearer: string | undefined,
  hasAuthorization: boolean,
): Promise<CreatedUser> {
  const role = input.role ?? 'patient';
  let caller: AccessClaims | undefined;
  if (role !== 'patient') {
    if (!hasAuthorization) throw new AuthError('FORBIDDEN');
    caller = await authenticate(ports, bearer);
    if (caller.role !== 'admin') throw new AuthError('FORBIDDEN');
  } else if (hasAuthorization) {
    // A patient needs no token; a valid admin's one only spares the new user the email check.
    caller = await authenticate(ports, bearer).catch(() => undefined);
  }
  const byAdmin = caller?.role === 'admin';
  assertAcceptablePassword(input.password, input.email, 'password');
  // Refuse a taken email before paying for the hash; the transaction below still guards the race.
  if (await ports.users.findByEmail(input.email)) throw new AuthError('EMAIL_TAKEN');
  const user = {
    id: ports.newId(),
    email: input.email,
    role,
    passwordHash: await hashPassword(input.password, ports.passwordCost),
    emailVerified: byAdmin,
    createdAt: ports.clock.now().toISOString(),
  };
  await ports.users.create(user);
  securityEvent('USER_CREATED', { userId: user.id, role, grantedBy: byAdmin ? caller?.userId : undefined });
  if (!user.emailVerified) await sendVerificationCode(ports, user).catch(() => undefined); // logged there; a new code can be asked for
  return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt };
}
