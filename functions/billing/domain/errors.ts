/** What can go wrong on the billing routes besides the patient rules, in domain words; the handler maps each kind to a status. */
import { DomainError, type FieldError } from '../../commons/errors';
import type { AuditOutcome } from '../../patients/domain/errors';

export type LedgerErrorKind =
  | 'INVALID' // a field breaks its rule (names it)
  | 'ACCOUNT_PENDING' // the account is not opened yet
  | 'REFUND_EXCEEDS_PAID'
  | 'ACCOUNT_LIMIT_REACHED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'TRANSACTION_NOT_FOUND'
  | 'BILLING_UNAVAILABLE'; // unreachable, timed out or too busy: retry (with the same key)

const AUDIT_OUTCOME: Record<LedgerErrorKind, AuditOutcome> = {
  INVALID: 'INVALID',
  ACCOUNT_PENDING: 'CONFLICT',
  REFUND_EXCEEDS_PAID: 'INVALID',
  ACCOUNT_LIMIT_REACHED: 'INVALID',
  IDEMPOTENCY_KEY_REUSED: 'INVALID',
  TRANSACTION_NOT_FOUND: 'NOT_FOUND',
  BILLING_UNAVAILABLE: 'ERROR',
};

export class LedgerError extends DomainError<LedgerErrorKind> {
  readonly auditOutcome: AuditOutcome;

  constructor(kind: LedgerErrorKind, message: string, errors?: FieldError[]) {
    super(kind, message, errors);
    this.name = 'LedgerError';
    this.auditOutcome = AUDIT_OUTCOME[kind];
  }
}

export const invalidField = (field: string, message: string) =>
  new LedgerError('INVALID', `Invalid ${field}`, [{ field, message }]);
