/**
 * The ledger's use cases: record a transaction, read an account with its figures, read and list
 * transactions. Writes to one account are queued in this process (one at a time per account), so
 * concurrent requests for a hot account do not fight over its item; the account's figures are kept
 * between writes, so a queued write needs no read. Every write is still conditional on the version it
 * started from: another billing task writing the same account makes it re-read and try again.
 */
import { randomUUID } from 'node:crypto';
import {
  applyTransaction, currencyOf, DEFAULT_PAGE_SIZE, idempotencyKeyId, IdempotencyKeyReused, InvalidTransaction, isTransactionId,
  LEDGER_LIMITS, LedgerBusy, LedgerNotFound, RefundExceedsPaid, requestFingerprint, validateTransactionRequest,
  type LedgerAccount, type LedgerTransaction, type TransactionRequest,
} from '../domain/ledger';
import { validatePatientId } from '../domain/billing-account';
import type { LedgerRepository } from '../domain/ledger-repository';
import { timeOrderedId } from '../domain/time-ordered-id';

export interface RecordedTransaction extends LedgerTransaction {
  /** True when the idempotency key returned a transaction recorded earlier (nothing new was written). */
  replayed: boolean;
}

export interface LedgerOptions {
  now?: () => Date;
  /** Attempts per write when other writers keep winning. */
  maxAttempts?: number;
  /** Accounts whose figures are kept between writes. */
  cachedAccounts?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs tasks with the same key one after another, in arrival order; tasks with other keys run alongside. */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key); });
    return result;
  }
}

export class Ledger {
  private readonly queue = new KeyedQueue();
  private readonly accounts = new Map<string, LedgerAccount>();
  private readonly now: () => Date;
  private readonly maxAttempts: number;
  private readonly cachedAccounts: number;

  constructor(private readonly repository: LedgerRepository, options: LedgerOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 8;
    this.cachedAccounts = options.cachedAccounts ?? 10_000;
  }

  async account(patientId: string): Promise<LedgerAccount> {
    const account = await this.repository.account(validatePatientId(patientId));
    if (!account) throw new LedgerNotFound('No billing account for this patient');
    return account;
  }

  async record(raw: TransactionRequest): Promise<RecordedTransaction> {
    const request = validateTransactionRequest(raw, this.now());
    return this.queue.run(request.patientId, () => this.recordQueued(request));
  }

  async transaction(patientId: string, transactionId: string): Promise<LedgerTransaction> {
    if (!isTransactionId(transactionId)) throw new LedgerNotFound('No such transaction');
    const account = await this.account(patientId);
    const transaction = await this.repository.transaction(account.accountId, transactionId.toLowerCase());
    if (!transaction) throw new LedgerNotFound('No such transaction');
    return transaction;
  }

  async page(patientId: string, limit: number, pageToken: string): Promise<{ transactions: LedgerTransaction[]; nextPageToken: string }> {
    const size = limit === 0 ? DEFAULT_PAGE_SIZE : limit;
    if (!Number.isInteger(size) || size < 1 || size > LEDGER_LIMITS.pageSize) throw new InvalidTransaction('limit', `must be an integer from 1 to ${LEDGER_LIMITS.pageSize}`);
    const after = pageToken === '' ? undefined : pageTokenId(pageToken);
    const account = await this.account(patientId);
    const page = await this.repository.page(account.accountId, size, after);
    return { transactions: page.transactions, nextPageToken: page.continueAfter ? Buffer.from(page.continueAfter).toString('base64url') : '' };
  }

  private async recordQueued(request: TransactionRequest): Promise<RecordedTransaction> {
    const keyId = idempotencyKeyId(request.createdBy, request.idempotencyKey);
    for (let attempt = 1; ; attempt++) {
      const before = this.accounts.get(request.patientId) ?? await this.account(request.patientId);
      const currency = currencyOf(request, before);
      const fingerprint = requestFingerprint(request, currency);
      let figures;
      try {
        figures = applyTransaction(before, request.type, request.amount);
      } catch (error) {
        // A retry of a refund that was recorded is a replay, not a refund too many: the key decides first.
        if (error instanceof RefundExceedsPaid) {
          const used = await this.repository.usedKey(before.accountId, keyId);
          if (used) return this.replay(before, used, fingerprint);
        }
        throw error;
      }
      const at = this.now();
      const transaction: LedgerTransaction = {
        id: timeOrderedId(at.getTime()), accountId: before.accountId, patientId: before.patientId, type: request.type, amount: request.amount,
        currency, description: request.description, serviceDate: request.serviceDate, createdAt: at.toISOString(), createdBy: request.createdBy,
        balanceAfter: figures.balance,
      };
      const after: LedgerAccount = { ...before, ...figures, updatedAt: transaction.createdAt, version: before.version + 1 };
      const outcome = await this.repository.commit({ before, after, transaction, keyId, fingerprint, eventId: randomUUID() });
      switch (outcome.kind) {
        case 'committed':
          this.remember(after);
          return { ...transaction, replayed: false };
        case 'key-used':
          return this.replay(before, outcome, fingerprint);
        case 'stale':
        case 'contention':
          this.accounts.delete(request.patientId);
          if (attempt >= this.maxAttempts) throw new LedgerBusy('The account is too busy; retry with the same idempotency key');
          // Back off with jitter when another writer holds the items; re-read at once when the account just moved on.
          if (outcome.kind === 'contention') await sleep(Math.random() * 10 * 2 ** attempt);
      }
    }
  }

  private async replay(account: LedgerAccount, used: { transactionId: string; fingerprint: string }, fingerprint: string): Promise<RecordedTransaction> {
    if (used.fingerprint !== fingerprint) throw new IdempotencyKeyReused('This idempotency key was used with a different request');
    const transaction = await this.repository.transaction(account.accountId, used.transactionId);
    if (!transaction) throw new Error('An idempotency key names a transaction that is not stored');
    return { ...transaction, replayed: true };
  }

  private remember(account: LedgerAccount): void {
    this.accounts.delete(account.patientId);
    this.accounts.set(account.patientId, account);
    // A Map iterates in insertion order: the first key is the account written longest ago.
    if (this.accounts.size > this.cachedAccounts) this.accounts.delete(this.accounts.keys().next().value!);
  }
}

function pageTokenId(token: string): string {
  const id = Buffer.from(token, 'base64url').toString('utf8');
  if (!isTransactionId(id) || Buffer.from(id).toString('base64url') !== token) throw new InvalidTransaction('pageToken', 'is not a page token this service issued');
  return id;
}
