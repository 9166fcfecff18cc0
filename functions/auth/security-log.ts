/**
 * Security events of the auth function, one structured log line each (`securityEvent` names it), so an
 * operator can alarm on brute force, token theft and privilege grants. Ids only: never an email
 * address, a password or a token.
 */
import { logger } from '../commons/logger';

export type SecurityEvent =
  | 'LOGIN_SUCCEEDED'
  | 'LOGIN_FAILED'
  | 'LOGIN_THROTTLED'
  | 'REFRESH_TOKEN_REUSED'
  | 'REFRESH_AFTER_REVOCATION'
  | 'LOGGED_OUT'
  | 'USER_CREATED'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_CHANGE_FAILED'
  | 'EMAIL_VERIFIED'
  | 'VERIFICATION_CODE_SENT'
  | 'VERIFICATION_CODE_REJECTED'
  | 'VERIFICATION_MAIL_FAILED'
  | 'USER_UPDATED'
  | 'LOGINS_ENDED'
  | 'LOGIN_DISABLED';

/** Failures and suspected attacks at WARN (on by default everywhere); routine outcomes at INFO. */
const WARN: ReadonlySet<SecurityEvent> = new Set([
  'LOGIN_FAILED',
  'LOGIN_THROTTLED',
  'REFRESH_TOKEN_REUSED',
  'PASSWORD_CHANGE_FAILED',
  'VERIFICATION_CODE_REJECTED',
  'VERIFICATION_MAIL_FAILED',
  'LOGIN_DISABLED',
]);

export function securityEvent(
  event: SecurityEvent,
  fields: Record<string, string | number | boolean | undefined>,
): void {
  const message = `security: ${event}`;
  if (WARN.has(event)) logger.warn(message, { securityEvent: event, ...fields });
  else logger.info(message, { securityEvent: event, ...fields });
}
