/**
 * An email address as clients may send it: trimmed, then the project's email rule (email-rule.ts):
 * RFC 5321's limits and zod's address syntax.
 */
import * as z from './zod';
import { EMAIL_MAX_LENGTH, withinEmailLimits } from '../../system/email-rule';

const MESSAGE = 'Must be a valid email address';

export const emailAddress = () =>
  z.pipe(
    z.string().check(z.trim(), z.maxLength(EMAIL_MAX_LENGTH, `Must be at most ${EMAIL_MAX_LENGTH} characters`)),
    z.email(MESSAGE).check(z.refine(withinEmailLimits, MESSAGE)),
  );
