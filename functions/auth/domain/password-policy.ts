/**
 * NIST SP 800-63B's rule for new passwords: no composition rules, but never one from a list of passwords
 * known from breaches. The list is zxcvbn-ts's (about 49,000 passwords, most common first), loaded on
 * the first check only: logins never pay for it.
 */
import { AuthError } from './errors';

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  if (!common) {
    // The list's own file, not the package's index: that also bundles the diceware words and keyboard graphs (~50 KB).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
    common = new Set(require('@zxcvbn-ts/language-common/dist/passwords.json.cjs') as string[]);
  }
  return common;
}

export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.normalize('NFC').toLowerCase());
}

/** Throws AuthError COMMON_PASSWORD (a 400 naming `field`) for a breached password or the user's own email. */
export function assertAcceptablePassword(password: string, email: string, field: string): void {
  const lowered = password.normalize('NFC').toLowerCase();
  if (isCommonPassword(password) || lowered === email.toLowerCase() || lowered === email.split('@')[0]?.toLowerCase()) {
    throw new AuthError('COMMON_PASSWORD', undefined, field);
  }
}
