/** The Ledger use case against an in-memory repository: retries on a moved account, replays, refusals, and the queue per account. */
import {
  IdempotencyKeyReused,
  LedgerBusy,
  LedgerNotFound,
  RefundExceedsPaid,
  type LedgerAccount,
  type LedgerTransaction,
} from '../../../billing/src/domain/ledger';
import type { CommitOutcome, LedgerRepository, LedgerWrite } from '../../../billing/src/domain/ledger-repository';
import { Ledger } from '../../../billing/src/use-cases/ledger';

class MemoryLedger implements LedgerRepository {
  account_: LedgerAccount = {
    accountId: 'a-1',
    patientId: 'p-1',
    status: 'ACTIVE',
    currency: 'USD',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 0,
    balance: 0,
    totalCharged: 0,
    totalPaid: 0,
    totalRefunded: 0,
  };
  transactions = new Map<string, LedgerTransaction>();
  keys = new Map<string, { transactionId: string; fingerprint: string }>();
  commits = 0;
  reads = 0;
  /** Outcomes to answer before committing for real. */
  script: CommitOutcome['kind'][] = [];

  async account(patientId: string) {
    this.reads++;
    return patientId === 'p-1' ? { ...this.account_ } : undefined;
  }
  async commit(write: LedgerWrite): Promise<CommitOutcome> {
    this.commits++;
    const scripted = this.script.shift();
    if (scripted === 'stale' || scripted === 'contention') return { kind: scripted };
    const used = write.entries.flatMap((e, index) =>
      this.keys.has(e.keyId) ? [{ index, ...this.keys.get(e.keyId)! }] : [],
    );
    if (used.length) return { kind: 'key-used', used };
    if (write.before.version !== this.account_.version) return { kind: 'stale' };
    this.account_ = write.after;
    for (const e of write.entries) {
      this.transactions.set(e.transaction.id, e.transaction);
      this.keys.set(e.keyId, { transactionId: e.transaction.id, fingerprint: e.fingerprint });
    }
    return { kind: 'committed' };
  }
  async transaction(_: string, id: string) {
    return this.transactions.get(id);
  }
  async usedKey(_: string, keyId: string) {
    return this.keys.get(keyId);
  }
  async page() {
    return { transactions: [...this.transactions.values()].reverse() };
  }
}

const request = (over: Record<string, unknown> = {}) => ({
  patientId: 'p-1',
  idempotencyKey: 'k-1',
  type: 'CHARGE' as const,
  amount: 100,
  currency: '',
  description: 'Visit',
  serviceDate: '',
  createdBy: 'u-1',
  ...over,
});

it('writes what queued up for an account as one batch, each transaction with its own balance after it, and keeps the account between writes', async () => {
  const memory = new MemoryLedger();
  const ledger = new Ledger(memory, { batchSize: 4 });
  const recorded = await Promise.all(
    Array.from({ length: 10 }, (_, i) => ledger.record(request({ idempotencyKey: `k-${i}`, amount: 100 + i }))),
  );
  expect(recorded.map((t) => t.balanceAfter)).toEqual(
    recorded.map((_, i) => Array.from({ length: i + 1 }, (__, j) => 100 + j).reduce((a, b) => a + b, 0)),
  );
  expect([...recorded].map((t) => t.id).sort()).toEqual(recorded.map((t) => t.id));
  // The first request is written at once; the nine that queued meanwhile go in batches of at most 4.
  expect(memory.commits).toBe(4);
  expect(memory.account_).toMatchObject({ balance: 1_045, version: 4 });
  expect(memory.reads).toBe(1);
});

it('answers keys the batch write finds used as replays (or refusals) with no write of their own; a key repeated within the batch replays alone', async () => {
  const memory = new MemoryLedger();
  const ledger = new Ledger(memory);
  const first = await ledger.record(request({ idempotencyKey: 'used' }));
  await ledger.record(request({ idempotencyKey: 'used-2' }));
  const results = await Promise.all(
    [
      ledger.record(request({ idempotencyKey: 'a' })),
      ledger.record(request({ idempotencyKey: 'used' })),
      ledger.record(request({ idempotencyKey: 'a' })),
      ledger.record(request({ idempotencyKey: 'used-2', amount: 999 })),
      ledger.record(request({ idempotencyKey: 'b', type: 'REFUND', amount: 10_000 })),
    ].map((p) => p.catch((e: Error) => e.name)),
  );
  expect(results[1]).toEqual({ ...first, replayed: true });
  expect(results[2]).toEqual({ ...(results[0] as object), replayed: true });
  expect(results[3]).toBe('IdempotencyKeyReused');
  expect(results[4]).toBe('RefundExceedsPaid');
  // The first two; the batch that found 'used' and 'used-2' used; 'a' again at once; the repeated 'a' alone (a
  // replay). The keys found used cost no write of their own (they were two more before).
  expect(memory.commits).toBe(5);
  expect(memory.transactions.size).toBe(3);
  expect(memory.account_.balance).toBe(300);
});

it('reads the account again when another writer moved it on, and backs off on contention', async () => {
  const memory = new MemoryLedger();
  memory.script = ['stale', 'contention'];
  const recorded = await new Ledger(memory).record(request());
  expect(recorded).toMatchObject({ balanceAfter: 100, replayed: false });
  expect(memory.commits).toBe(3);
  expect(memory.reads).toBe(3);
});

it('gives up with LedgerBusy after its attempts, recording nothing', async () => {
  const memory = new MemoryLedger();
  memory.script = Array(3).fill('contention');
  await expect(new Ledger(memory, { maxAttempts: 3 }).record(request())).rejects.toBeInstanceOf(LedgerBusy);
  expect(memory.transactions.size).toBe(0);
});

it('replays a key used with the same request, refuses it with another', async () => {
  const ledger = new Ledger(new MemoryLedger());
  const first = await ledger.record(request());
  expect(await ledger.record(request())).toEqual({ ...first, replayed: true });
  await expect(ledger.record(request({ amount: 101 }))).rejects.toBeInstanceOf(IdempotencyKeyReused);
});

it('refuses a refund above what was paid unless its key was used already (then it replays)', async () => {
  const ledger = new Ledger(new MemoryLedger());
  await ledger.record(request({ type: 'PAYMENT', idempotencyKey: 'pay' }));
  const refund = await ledger.record(request({ type: 'REFUND', idempotencyKey: 'refund' }));
  expect(await ledger.record(request({ type: 'REFUND', idempotencyKey: 'refund' }))).toEqual({
    ...refund,
    replayed: true,
  });
  await expect(ledger.record(request({ type: 'REFUND', idempotencyKey: 'another' }))).rejects.toBeInstanceOf(
    RefundExceedsPaid,
  );
});

it("answers LedgerNotFound for a patient without an account, and for another account's transaction id", async () => {
  const ledger = new Ledger(new MemoryLedger());
  await expect(ledger.record(request({ patientId: 'p-2' }))).rejects.toBeInstanceOf(LedgerNotFound);
  await expect(ledger.transaction('p-1', 'not-a-uuid')).rejects.toBeInstanceOf(LedgerNotFound);
});
