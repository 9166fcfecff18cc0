/**
 * The ledger's rules: what a transaction request must look like, how a transaction moves an account's
 * figures, and when it is refused. Plain TypeScript (no gRPC, no AWS SDK), so every rule is testable alone.
 * Money is an integer number of minor units (cents) in the account's one ISO 4217 currency.
 */
import { createHash } from 'node:crypto';
import { InvalidBillingRequest, validatePatientId } from './billing-account';

export const TRANSACTION_TYPES = ['CHARGE', 'PAYMENT', 'REFUND'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export const LEDGER_LIMITS = {
  minAmount: 1,
  maxAmount: 100_000_000,
  description: 200,
  idempotencyKey: 255,
  createdBy: 128,
  pageSize: 100,
} as const;
export const DEFAULT_PAGE_SIZE = 20;

/** An account's figures. balance = totalCharged − totalPaid + totalRefunded (positive: the patient owes). */
export interface LedgerFigures {
  balance: number;
  totalCharged: number;
  totalPaid: number;
  totalRefunded: number;
}

export const ZERO_FIGURES: LedgerFigures = { balance: 0, totalCharged: 0, totalPaid: 0, totalRefunded: 0 };

/** A billing account as the ledger sees it: its figures and the version every ledger write moves on by one. */
export interface LedgerAccount extends LedgerFigures {
  accountId: string;
  patientId: string;
  status: 'ACTIVE';
  currency: string;
  createdAt: string;
  updatedAt: string;
  /** Ledger writes so far; each write is conditional on the version it read (optimistic concurrency). */
  version: number;
}

export interface TransactionRequest {
  patientId: string;
  idempotencyKey: string;
  type: TransactionType;
  amount: number;
  /** Empty: the account's currency. */
  currency: string;
  description: string;
  /** Empty, or YYYY-MM-DD. */
  serviceDate: string;
  createdBy: string;
}

export interface LedgerTransaction {
  id: string;
  accountId: string;
  patientId: string;
  type: TransactionType;
  amount: number;
  currency: string;
  description: string;
  serviceDate: string;
  createdAt: string;
  createdBy: string;
  balanceAfter: number;
}

/** A field that breaks its rule; `field` is the request field's name (the API names it in its 400). */
export class InvalidTransaction extends InvalidBillingRequest {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A refund larger than what was paid and not refunded yet; nothing is recorded. */
export class RefundExceedsPaid extends Error {
  override readonly name = 'RefundExceedsPaid';
}

/** A total would pass what a JavaScript number holds exactly; nothing is recorded. */
export class AccountLimitReached extends Error {
  override readonly name = 'AccountLimitReached';
}

/** The idempotency key was used before with a different request. */
export class IdempotencyKeyReused extends Error {
  override readonly name = 'IdempotencyKeyReused';
}

/** The patient has no account (not opened yet), or the account no such transaction. */
export class LedgerNotFound extends Error {
  override readonly name = 'LedgerNotFound';
}

/** The account stayed too busy (conflicting writers) for this write; retrying with the same key is safe. */
export class LedgerBusy extends Error {
  override readonly name = 'LedgerBusy';
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const CURRENCY = /^[A-Z]{3}$/;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isCurrency = (value: string): boolean => CURRENCY.test(value);
export const isTransactionId = (value: string): boolean => UUID.test(value);

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The request with its rules checked and its text trimmed; throws InvalidTransaction naming the first bad field. */
export function validateTransactionRequest(request: TransactionRequest, now: Date): TransactionRequest {
  validatePatientId(request.patientId);
  const key = request.idempotencyKey;
  if (!key || key.length > LEDGER_LIMITS.idempotencyKey || !VISIBLE_ASCII.test(key)) {
    throw new InvalidTransaction(
      'idempotencyKey',
      `must be 1-${LEDGER_LIMITS.idempotencyKey} visible ASCII characters`,
    );
  }
  if (!TRANSACTION_TYPES.includes(request.type))
    throw new InvalidTransaction('type', `must be one of ${TRANSACTION_TYPES.join(', ')}`);
  if (
    !Number.isSafeInteger(request.amount) ||
    request.amount < LEDGER_LIMITS.minAmount ||
    request.amount > LEDGER_LIMITS.maxAmount
  ) {
    throw new InvalidTransaction(
      'amount',
      `must be an integer from ${LEDGER_LIMITS.minAmount} to ${LEDGER_LIMITS.maxAmount} (minor units)`,
    );
  }
  if (request.currency !== '' && !isCurrency(request.currency))
    throw new InvalidTransaction('currency', 'must be an ISO 4217 code (three capital letters)');
  const description = request.description.trim();
  if (
    description.length < 1 ||
    description.length > LEDGER_LIMITS.description ||
    CONTROL_CHARACTERS.test(description)
  ) {
    throw new InvalidTransaction(
      'description',
      `must be 1-${LEDGER_LIMITS.description} characters without control characters`,
    );
  }
  if (request.serviceDate !== '') {
    if (!isCalendarDate(request.serviceDate))
      throw new InvalidTransaction('serviceDate', 'must be a real calendar date (YYYY-MM-DD)');
    if (request.serviceDate > now.toISOString().slice(0, 10))
      throw new InvalidTransaction('serviceDate', 'must not be in the future');
  }
  if (
    !request.createdBy ||
    request.createdBy.length > LEDGER_LIMITS.createdBy ||
    CONTROL_CHARACTERS.test(request.createdBy)
  ) {
    throw new InvalidTransaction('createdBy', `must be 1-${LEDGER_LIMITS.createdBy} characters`);
  }
  return { ...request, description };
}

/** The currency the request is in: the account's when it names none; another one is refused. */
export function currencyOf(request: TransactionRequest, account: Pick<LedgerAccount, 'currency'>): string {
  if (request.currency !== '' && request.currency !== account.currency) {
    throw new InvalidTransaction('currency', `must be the account's currency, ${account.currency}`);
  }
  return account.currency;
}

/** What may still be refunded: paid and not refunded yet. */
export const refundable = (figures: LedgerFigures): number => figures.totalPaid - figures.totalRefunded;

/** The figures after one transaction; throws RefundExceedsPaid or AccountLimitReached and changes nothing. */
export function applyTransaction(figures: LedgerFigures, type: TransactionType, amount: number): LedgerFigures {
  const next = { ...figures };
  if (type === 'CHARGE') {
    next.totalCharged += amount;
    next.balance += amount;
  } else if (type === 'PAYMENT') {
    next.totalPaid += amount;
    next.balance -= amount;
  } else {
    if (amount > refundable(figures))
      throw new RefundExceedsPaid('A refund may not exceed what was paid and not refunded yet');
    next.totalRefunded += amount;
    next.balance += amount;
  }
  if (
    ![next.totalCharged, next.totalPaid, next.totalRefunded, next.balance].every(
      (n) => Number.isSafeInteger(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER,
    )
  ) {
    throw new AccountLimitReached('The account has reached the largest total it can hold');
  }
  return next;
}

/** The figures a list of transactions adds up to (the invariant every test checks against the stored balance). */
export function figuresOfTransactions(transactions: Pick<LedgerTransaction, 'type' | 'amount'>[]): LedgerFigures {
  return transactions.reduce((figures, t) => {
    const sign = t.type === 'PAYMENT' ? -1 : 1;
    return {
      balance: figures.balance + sign * t.amount,
      totalCharged: figures.totalCharged + (t.type === 'CHARGE' ? t.amount : 0),
      totalPaid: figures.totalPaid + (t.type === 'PAYMENT' ? t.amount : 0),
      totalRefunded: figures.totalRefunded + (t.type === 'REFUND' ? t.amount : 0),
    };
  }, ZERO_FIGURES);
}

/**
 * What makes two requests with one idempotency key "the same request": the validated fields, with the
 * currency resolved (naming the account's currency or leaving it out is the same request).
 */
export function requestFingerprint(request: TransactionRequest, currency: string): string {
  const fields = [request.type, String(request.amount), currency, request.description, request.serviceDate];
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
}

/** Where an idempotency key is kept: hashed, scoped to the caller (and, by its partition, to the account). */
export function idempotencyKeyId(createdBy: string, idempotencyKey: string): string {
  return createHash('sha256').update(`${createdBy}\n${idempotencyKey}`).digest('base64url');
}
