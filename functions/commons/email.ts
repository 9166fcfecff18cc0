/**
 * An email address as clients may send it: trimmed, then within RFC 5321's limits (254 characters in
 * all, a local part of at most 64, domain labels of at most 63), then zod's address syntax.
 */
import { z } from 'zod';

const MESSAGE = 'Must be a valid email address';

const withinLimits = (address: string) => {
  const at = address.lastIndexOf('@');
  return at <= 64 && address.slice(at + 1).split('.').every((label) => label.length <= 63);
};

export const emailAddress = () => z.string().trim().max(254, 'Must be at most 254 characters')
  .pipe(z.email(MESSAGE).refine(withinLimits, MESSAGE));
