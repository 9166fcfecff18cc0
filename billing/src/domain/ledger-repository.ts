/** Where the ledger lives (port); the DynamoDB adapter implements it. */
import type { LedgerAccount, LedgerTransaction } from './ledger';

/** One transaction and the account change it makes, written all together or not at all. */
export interface LedgerWrite {
  /** The account as read: the write is conditional on its version. */
  before: LedgerAccount;
  after: LedgerAccount;
  transaction: LedgerTransaction;
  /** The idempotency key's id (idempotencyKeyId) and the request's fingerprint, claimed in the same write. */
  keyId: string;
  fingerprint: string;
  /** The id of the TRANSACTION_RECORDED event the write carries (the table's stream is the outbox). */
  eventId: string;
}

export type CommitOutcome =
  | { kind: 'committed' }
  /** The account moved on since it was read (another writer): read it again. */
  | { kind: 'stale' }
  /** The key was claimed before: by this request (same fingerprint) or another. */
  | { kind: 'key-used'; transactionId: string; fingerprint: string }
  /** Another transaction held an item at that moment; nothing was written. */
  | { kind: 'contention' };

export interface UsedKey { transactionId: string; fingerprint: string }

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
