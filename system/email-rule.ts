/**
 * The project's one email rule as a plain predicate, for code that must not carry zod's schema machinery
 * (the billing server's bundle); the API's schemas (email.ts) apply the same rule through zod. An address
 * is at most 254 characters, with a local part of at most 64 and domain labels of at most 63 (RFC 5321),
 * in the syntax zod's z.email() checks: its own pattern, imported alone (~7 KB bundled, not ~450 KB).
 */
import { regexes } from 'zod/v4/core';

export const EMAIL_MAX_LENGTH = 254;

/** RFC 5321's part limits, which the syntax pattern does not check. */
export const withinEmailLimits = (address: string): boolean => {
  const at = address.lastIndexOf('@');
  return (
    at <= 64 &&
    address
      .slice(at + 1)
      .split('.')
      .every((label) => label.length <= 63)
  );
};

/** Whether `address`, exactly as given (the schemas trim first), is a valid email address. */
export function isEmailAddress(address: string): boolean {
  return address.length <= EMAIL_MAX_LENGTH && regexes.email.test(address) && withinEmailLimits(address);
}
