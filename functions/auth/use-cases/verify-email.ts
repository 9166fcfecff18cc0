/**
 * Email ownership: a one-time code mailed to the address (SES on AWS, the local mailbox on one machine),
 * confirmed with POST /api/auth/verify-email. Until then a patient user sees no record.
 */
import { AuthError } from '../domain/errors';
import {
  CODE_TTL_MS,
  MAX_SENDS_PER_HOUR,
  MAX_WRONG_TRIES,
  codeHash,
  newCode,
  recentSends,
  sameHash,
  verificationMail,
} from '../domain/verification';
import type { AuthPorts, UserRecord } from '../ports';
import { securityEvent } from '../security-log';

/** Replaces any earlier code of the user with a new one and mails it; false when the hourly limit is reached. */
export async function sendVerificationCode(ports: AuthPorts, user: Pick<UserRecord, 'id' | 'email'>): Promise<boolean> {
  const now = ports.clock.now().getTime();
  const earlier = await ports.verificationCodes.find(user.id);
  const sends = recentSends(earlier?.sentAt ?? [], now);
  if (sends.length >= MAX_SENDS_PER_HOUR) return false;
  const code = newCode();
  await ports.verificationCodes.save(user.id, {
    codeHash: codeHash(user.id, code),
    expiresAt: now + CODE_TTL_MS,
    wrongTries: 0,
    sentAt: [...sends, now],
  });
  try {
    await ports.mailer.send({ to: user.email, ...verificationMail(code), code });
  } catch (error) {
    securityEvent('VERIFICATION_MAIL_FAILED', { userId: user.id, errorName: (error as Error)?.name });
    throw error;
  }
  securityEvent('VERIFICATION_CODE_SENT', { userId: user.id });
  return true;
}

/** A new code for an unverified user; the same silent answer for unknown and verified addresses. */
export async function resendVerificationCode(ports: AuthPorts, email: string): Promise<void> {
  const user = await ports.users.findByEmail(email);
  if (!user || user.emailVerified) return;
  await sendVerificationCode(ports, user);
}

export async function verifyEmail(ports: AuthPorts, input: { email: string; code: string }): Promise<void> {
  const user = await ports.users.findByEmail(input.email);
  if (user?.emailVerified) return; // confirming twice is not an error
  const stored = user ? await ports.verificationCodes.find(user.id) : undefined;
  if (!user || !stored || stored.expiresAt <= ports.clock.now().getTime()) throw rejected(user?.id, 'no current code');
  if (!sameHash(codeHash(user.id, input.code), stored.codeHash)) {
    await ports.verificationCodes.recordWrongTry(user.id, stored.wrongTries, MAX_WRONG_TRIES);
    throw rejected(user.id, 'wrong code');
  }
  if (!(await ports.verificationCodes.confirm(user.id, stored.codeHash, stored.wrongTries)))
    throw rejected(user.id, 'code changed meanwhile');
  securityEvent('EMAIL_VERIFIED', { userId: user.id });
}

function rejected(userId: string | undefined, reason: string): AuthError {
  securityEvent('VERIFICATION_CODE_REJECTED', { userId, reason });
  return new AuthError('INVALID_CODE', undefined, 'code');
}
