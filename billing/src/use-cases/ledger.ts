/**
 * The ledger's use cases: record a transaction, read an account with its figures, read and list
 * transactions. Writes to one account are queued in this process and written in batches: whatever queued
 * up while a write was in flight goes out together as the next write (one TransactWriteItems: every
 * transaction with its key, and the account's figures once), so a hot account takes many transactions per
 * round trip instead of fighting over its item. The account's figures are kept between writes, so a
 * queued write needs no read. Every write is still conditional on the version it started from: another
 * billing task writing the same account makes it re-read and try again.
 */
import { randomUUID } from 'node:crypto';
import {
  applyTransaction,
  currencyOf,
  DEFAULT_PAGE_SIZE,
  idempotencyKeyId,
  IdempotencyKeyReused,
  InvalidTransaction,
  isTransactionId,
  LEDGER_LIMITS,
  LedgerBusy,
  LedgerNotFound,
  RefundExceedsPaid,
  requestFingerprint,
  validateTransactionRequest,
  type LedgerAccount,
  type LedgerFigures,
  type LedgerTransaction,
  type TransactionRequest,
} from '../domain/ledger';
import { validatePatientId } from '../domain/billing-account';
import type { CommitOutcome, LedgerEntry, LedgerRepository } from '../domain/ledger-repository';
import { timeOrderedId } from '../domain/time-ordered-id';

export interface RecordedTransaction extends LedgerTransaction {
  /** True when the idempotency key returned a transaction recorded earlier (nothing new was written). */
  replayed: boolean;
}

export interface LedgerOptions {
  now?: () => Date;
  /** New event ids (random UUIDs by default). */
  newId?: () => string;
  /** Attempts per write when other writers keep winning. */
  maxAttempts?: number;
  /** Accounts whose figures are kept between writes. */
  cachedAccounts?: number;
  /** Transactions per write at most (DynamoDB takes 100 items per transaction: two each, and the account). */
  batchSize?: number;
}

interface Pending {
  request: TransactionRequest;
  resolve: (t: RecordedTransaction) => void;
  reject: (error: unknown) => void;
}

/** The one back-off of the ledger's writers: jittered, doubling per attempt, when another writer holds the items. */
const contentionPause = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));

export class Ledger {
  /** Per account: requests waiting for the next write (present while the account's writer is at work). */
  private readonly waiting = new Map<string, Pending[]>();
  private readonly accounts = new Map<string, LedgerAccount>();
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly maxAttempts: number;
  private readonly cachedAccounts: number;
  private readonly batchSize: number;

  constructor(
    private readonly repository: LedgerRepository,
    options: LedgerOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.cachedAccounts = options.cachedAccounts ?? 10_000;
    this.batchSize = Math.min(49, Math.max(1, options.batchSize ?? 25));
  }

  async account(patientId: string): Promise<LedgerAccount> {
    const account = await this.repository.account(validatePatientId(patientId));
    if (!account) throw new LedgerNotFound('No billing account for this patient');
    return account;
  }

  async record(raw: TransactionRequest): Promise<RecordedTransaction> {
    const request = validateTransactionRequest(raw, this.now());
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(request.patientId);
      if (queue) queue.push({ request, resolve, reject });
      else {
        this.waiting.set(request.patientId, [{ request, resolve, reject }]);
        void this.drain(request.patientId);
      }
    });
  }

  /** The one writer of an account in this process: writes what waits, batch after batch, until nothing does. */
  private async drain(patientId: string): Promise<void> {
    const queue = this.waiting.get(patientId)!;
    try {
      while (queue.length > 0) await this.writeBatch(queue.splice(0, this.batchSize));
    } catch (error) {
      // writeBatch settles what it takes; should it ever throw, nothing that waits is left hanging.
      for (const p of queue.splice(0)) p.reject(error);
    } finally {
      this.waiting.delete(patientId);
    }
  }

  /**
   * Writes a batch as one write and settles every request in it. A request whose key the write finds used
   * is answered as a replay. One the batch cannot decide alone (a key repeated in the batch, a refusal that
   * may be a replay, a currency not the account's) is taken out and written on its own afterwards, where the
   * single path decides it.
   */
  private async writeBatch(batch: Pending[]): Promise<void> {
    const alone: Pending[] = [];
    const replays: Promise<void>[] = [];
    let group = batch;
    for (let attempt = 1; group.length > 0; attempt++) {
      const patientId = group[0]!.request.patientId;
      let before: LedgerAccount;
      try {
        before = this.accounts.get(patientId) ?? (await this.account(patientId));
      } catch (error) {
        for (const p of group) p.reject(error);
        break;
      }
      const planned: { pending: Pending; entry: LedgerEntry }[] = [];
      const keys = new Set<string>();
      let figures: LedgerFigures = before;
      for (const pending of group) {
        const keyId = idempotencyKeyId(pending.request.createdBy, pending.request.idempotencyKey);
        const next = keys.has(keyId) ? undefined : this.tryApply(figures, pending.request, before);
        if (!next) {
          alone.push(pending);
          continue;
        }
        keys.add(keyId);
        figures = next.figures;
        planned.push({
          pending,
          entry: { transaction: next.transaction, keyId, fingerprint: next.fingerprint, eventId: this.newId() },
        });
      }
      if (planned.length === 0) break;
      const after: LedgerAccount = {
        ...before,
        ...figures,
        updatedAt: planned.at(-1)!.entry.transaction.createdAt,
        version: before.version + 1,
      };
      let outcome: CommitOutcome;
      try {
        outcome = await this.repository.commit({ before, after, entries: planned.map((p) => p.entry) });
      } catch (error) {
        this.accounts.delete(patientId);
        for (const { pending } of planned) pending.reject(error);
        break;
      }
      if (outcome.kind === 'committed') {
        this.remember(after);
        for (const { pending, entry } of planned) pending.resolve({ ...entry.transaction, replayed: false });
        break;
      }
      group = planned.map((p) => p.pending);
      if (outcome.kind === 'key-used') {
        // Keys used before: those requests are replays (or a key reused for another request), answered from the
        // keys the write reported, side by side; the rest try again at once.
        const used = new Map(outcome.used.map((u) => [u.index, u]));
        for (const [i, { pending, entry }] of planned.entries()) {
          const key = used.get(i);
          if (key) replays.push(this.replay(before, key, entry.fingerprint).then(pending.resolve, pending.reject));
        }
        group = group.filter((_, i) => !used.has(i));
        continue;
      }
      this.accounts.delete(patientId);
      if (attempt >= this.maxAttempts) {
        for (const p of group) p.reject(new LedgerBusy('The account is too busy; retry with the same idempotency key'));
        break;
      }
      // Back off with jitter when another writer holds the items; re-read at once when the account just moved on.
      if (outcome.kind === 'contention') await contentionPause(attempt);
    }
    for (const p of alone) await this.recordQueued(p.request).then(p.resolve, p.reject);
    await Promise.all(replays);
  }

  /** The request's transaction and the figures after it, or undefined when it must be decided alone. */
  private tryApply(figures: LedgerFigures, request: TransactionRequest, account: LedgerAccount) {
    try {
      const currency = currencyOf(request, account);
      const next = applyTransaction(figures, request.type, request.amount);
      const transaction = this.newTransaction(account, request, currency, next.balance);
      return { figures: next, transaction, fingerprint: requestFingerprint(request, currency) };
    } catch {
      return undefined;
    }
  }

  /** The transaction a request makes on the account, stamped now, with the balance it leaves. */
  private newTransaction(
    account: LedgerAccount,
    request: TransactionRequest,
    currency: string,
    balanceAfter: number,
  ): LedgerTransaction {
    const at = this.now();
    return {
      id: timeOrderedId(at.getTime()),
      accountId: account.accountId,
      patientId: account.patientId,
      type: request.type,
      amount: request.amount,
      currency,
      description: request.description,
      serviceDate: request.serviceDate,
      createdAt: at.toISOString(),
      createdBy: request.createdBy,
      balanceAfter,
    };
  }

  async transaction(patientId: string, transactionId: string): Promise<LedgerTransaction> {
    if (!isTransactionId(transactionId)) throw new LedgerNotFound('No such transaction');
    const account = await this.account(patientId);
    const transaction = await this.repository.transaction(account.accountId, transactionId.toLowerCase());
    if (!transaction) throw new LedgerNotFound('No such transaction');
    return transaction;
  }

  async page(
    patientId: string,
    limit: number,
    pageToken: string,
  ): Promise<{ transactions: LedgerTransaction[]; nextPageToken: string }> {
    const size = limit === 0 ? DEFAULT_PAGE_SIZE : limit;
    if (!Number.isInteger(size) || size < 1 || size > LEDGER_LIMITS.pageSize)
      throw new InvalidTransaction('limit', `must be an integer from 1 to ${LEDGER_LIMITS.pageSize}`);
    const after = pageToken === '' ? undefined : pageTokenId(pageToken);
    const account = await this.account(patientId);
    const page = await this.repository.page(account.accountId, size, after);
    return {
      transactions: page.transactions,
      nextPageToken: page.continueAfter ? Buffer.from(page.continueAfter).toString('base64url') : '',
    };
  }

  /** One request as a write of its own (the account's writer calls it, so nothing else in this process writes the account meanwhile). */
  private async recordQueued(request: TransactionRequest): Promise<RecordedTransaction> {
    const keyId = idempotencyKeyId(request.createdBy, request.idempotencyKey);
    for (let attempt = 1; ; attempt++) {
      const before = this.accounts.get(request.patientId) ?? (await this.account(request.patientId));
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
      const transaction = this.newTransaction(before, request, currency, figures.balance);
      const after: LedgerAccount = {
        ...before,
        ...figures,
        updatedAt: transaction.createdAt,
        version: before.version + 1,
      };
      const outcome = await this.repository.commit({
        before,
        after,
        entries: [{ transaction, keyId, fingerprint, eventId: this.newId() }],
      });
      switch (outcome.kind) {
        case 'committed':
          this.remember(after);
          return { ...transaction, replayed: false };
        case 'key-used':
          return this.replay(before, outcome.used[0]!, fingerprint);
        case 'stale':
        case 'contention':
          this.accounts.delete(request.patientId);
          if (attempt >= this.maxAttempts)
            throw new LedgerBusy('The account is too busy; retry with the same idempotency key');
          // Back off with jitter when another writer holds the items; re-read at once when the account just moved on.
          if (outcome.kind === 'contention') await contentionPause(attempt);
      }
    }
  }

  private async replay(
    account: LedgerAccount,
    used: { transactionId: string; fingerprint: string },
    fingerprint: string,
  ): Promise<RecordedTransaction> {
    if (used.fingerprint !== fingerprint)
      throw new IdempotencyKeyReused('This idempotency key was used with a different request');
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
  if (!isTransactionId(id) || Buffer.from(id).toString('base64url') !== token)
    throw new InvalidTransaction('pageToken', 'is not a page token this service issued');
  return id;
}
