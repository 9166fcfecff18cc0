/**
 * Email-ownership codes: six random digits, sent to the address, stored only as a hash bound to the
 * user, valid 15 minutes, used once; five wrong tries end a code; at most five codes an hour per user.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_TTL_MS = 15 * 60 * 1000;
export const MAX_WRONG_TRIES = 5;
export const MAX_SENDS_PER_HOUR = 5;

export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function codeHash(userId: string, code: string): string {
  return createHash('sha256').update(`verify:${userId}:${code.trim()}`).digest('base64url');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Sends within the last hour, and whether one more is allowed at `now`. */
export function recentSends(sentAt: readonly number[], now: number): number[] {
  return sentAt.filter((t) => t > now - 3_600_000 && t <= now);
}

export function verificationMail(code: string): { subject: string; text: string } {
  return {
    subject: 'Your verification code',
    text:
      `Your verification code is ${code}. It expires in ${CODE_TTL_MS / 60_000} minutes. ` +
      'If you did not sign up for the Patient Management System, ignore this message.',
  };
}
