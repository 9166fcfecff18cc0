/** Where the ledger lives (port); the DynamoDB adapter implements it. */
import type { LedgerAccount, LedgerTransaction } from './ledger';

export interface UsedKey {
  transactionId: string;
  fingerprint: string;
}

/** One transaction of a write: the transaction, and its idempotency key claimed with it. */
export interface LedgerEntry {
  transaction: LedgerTransaction;
  /** The idempotency key's id (idempotencyKeyId) and the request's fingerprint. */
  keyId: string;
  fingerprint: string;
  /** The id of the TRANSACTION_RECORDED event the entry carries (the table's stream is the outbox). */
  eventId: string;
}

/** One or more transactions of one account and the account change they make, written all together or not at all. */
export interface LedgerWrite {
  /** The account as read: the write is conditional on its version. */
  before: LedgerAccount;
  /** The account after every entry, in order. */
  after: LedgerAccount;
  entries: LedgerEntry[];
}

export type CommitOutcome =
  | { kind: 'committed' }
  /** The account moved on since it was read (another writer): read it again. */
  | { kind: 'stale' }
  /** Keys claimed before (by the same request, or another), by index in `entries`; nothing was written. */
  | { kind: 'key-used'; used: (UsedKey & { index: number })[] }
  /** Another transaction held an item at that moment; nothing was written. */
  | { kind: 'contention' };

export interface TransactionPage {
  transactions: LedgerTransaction[];
  /** The id to continue after, or undefined on the last page. */
  continueAfter?: string;
}

export interface LedgerRepository {
  /** The patient's account with its figures (a consistent read), or undefined when none is open. */
  account(patientId: string): Promise<LedgerAccount | undefined>;
  commit(write: LedgerWrite): Promise<CommitOutcome>;
  transaction(accountId: string, transactionId: string): Promise<LedgerTransaction | undefined>;
  usedKey(accountId: string, keyId: string): Promise<UsedKey | undefined>;
  /** Newest first, `limit` at most, after the transaction `afterId` when given. */
  page(accountId: string, limit: number, afterId?: string): Promise<TransactionPage>;
}
