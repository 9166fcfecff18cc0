/**
 * The ledger through the billing server's gRPC methods, against DynamoDB Local: balances, refunds,
 * idempotency, validation, paging, and racing writers on one account.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { figuresOfTransactions } from '../../../billing/src/domain/ledger';
import type { Transaction } from '../../../proto/gen/billing_service';
import { ledgerCalls, trailer, transactionRequest } from './ledger-support';
import { startBillingServer } from '../../../billing/src/server';
import { rejectionOf, startTestServer, typedClients } from './support';

let server: Awaited<ReturnType<typeof startTestServer>>;
let typed: ReturnType<typeof typedClients>;
let ledger: ReturnType<typeof ledgerCalls>;

beforeAll(async () => {
  server = await startTestServer();
  typed = typedClients(server.address);
  ledger = ledgerCalls(typed.billing);
});

afterAll(async () => {
  typed?.close();
  await server?.stop();
});

async function openAccount(): Promise<{ patientId: string; accountId: string }> {
  const patientId = randomUUID();
  const { accountId } = await typed.create({ patientId, name: 'Ada Lovelace', email: 'ada@example.test' });
  return { patientId, accountId };
}

async function everyTransaction(patientId: string): Promise<Transaction[]> {
  const all: Transaction[] = [];
  let pageToken = '';
  do {
    const page = await ledger.page({ patientId, limit: 100, pageToken });
    all.push(...page.transactions);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return all;
}

/** The stored figures equal what the stored transactions add up to. */
async function expectBalanced(patientId: string) {
  const [account, transactions] = await Promise.all([ledger.account({ patientId }), everyTransaction(patientId)]);
  const sum = figuresOfTransactions(transactions.map((t) => ({ type: t.type as 'CHARGE', amount: t.amount })));
  expect({
    balance: account.balance,
    totalCharged: account.totalCharged,
    totalPaid: account.totalPaid,
    totalRefunded: account.totalRefunded,
  }).toEqual(sum);
  return { account, transactions };
}

describe('an account', () => {
  it('opens empty in the default currency', async () => {
    const { patientId, accountId } = await openAccount();
    const account = await ledger.account({ patientId });
    expect(account).toMatchObject({
      accountId,
      patientId,
      status: 'ACTIVE',
      currency: 'USD',
      balance: 0,
      totalCharged: 0,
      totalPaid: 0,
      totalRefunded: 0,
    });
    expect(account.updatedAt).toBe(account.createdAt);
  });

  it('is NOT_FOUND before it is opened', async () => {
    expect((await rejectionOf(ledger.account({ patientId: randomUUID() }))).code).toBe(status.NOT_FOUND);
    expect((await rejectionOf(ledger.record(transactionRequest(randomUUID())))).code).toBe(status.NOT_FOUND);
    expect((await rejectionOf(ledger.page({ patientId: randomUUID(), limit: 0, pageToken: '' }))).code).toBe(
      status.NOT_FOUND,
    );
  });
});

describe('RecordTransaction', () => {
  it('charges, takes payments and refunds what was paid, moving the balance each time', async () => {
    const { patientId, accountId } = await openAccount();
    const charge = await ledger.record(
      transactionRequest(patientId, { type: 'CHARGE', amount: 12_500, serviceDate: '2024-02-29' }),
    );
    expect(charge).toMatchObject({
      accountId,
      patientId,
      type: 'CHARGE',
      amount: 12_500,
      currency: 'USD',
      balanceAfter: 12_500,
      serviceDate: '2024-02-29',
      createdBy: 'user-1',
      replayed: false,
    });
    const payment = await ledger.record(
      transactionRequest(patientId, { type: 'PAYMENT', amount: 10_000, currency: 'USD' }),
    );
    expect(payment.balanceAfter).toBe(2_500);
    const refund = await ledger.record(transactionRequest(patientId, { type: 'REFUND', amount: 4_000 }));
    expect(refund.balanceAfter).toBe(6_500);
    const { account } = await expectBalanced(patientId);
    expect(account).toMatchObject({
      balance: 6_500,
      totalCharged: 12_500,
      totalPaid: 10_000,
      totalRefunded: 4_000,
      updatedAt: refund.createdAt,
    });
    expect(await ledger.transaction({ patientId, transactionId: payment.id })).toEqual(payment);
  });

  it('refuses a refund above what was paid and not yet refunded, recording nothing', async () => {
    const { patientId } = await openAccount();
    await ledger.record(transactionRequest(patientId, { type: 'PAYMENT', amount: 5_000 }));
    await ledger.record(transactionRequest(patientId, { type: 'REFUND', amount: 3_000 }));
    const error = await rejectionOf(ledger.record(transactionRequest(patientId, { type: 'REFUND', amount: 2_001 })));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(trailer(error, 'billing-reason')).toBe('REFUND_EXCEEDS_PAID');
    const { transactions } = await expectBalanced(patientId);
    expect(transactions).toHaveLength(2);
  });

  it('returns the same transaction for the same key and request, and refuses the key with another request', async () => {
    const { patientId } = await openAccount();
    const request = transactionRequest(patientId, { type: 'PAYMENT', amount: 700 });
    const first = await ledger.record(request);
    const again = await ledger.record({ ...request, currency: 'USD' });
    expect(again).toEqual({ ...first, replayed: true });
    const reused = await rejectionOf(ledger.record({ ...request, amount: 701 }));
    expect(reused.code).toBe(status.ALREADY_EXISTS);
    expect(trailer(reused, 'billing-reason')).toBe('IDEMPOTENCY_KEY_REUSED');
    // The key is the caller's: another user's same key is another request.
    const other = await ledger.record({ ...request, createdBy: 'user-2' });
    expect(other.id).not.toBe(first.id);
    expect((await expectBalanced(patientId)).transactions).toHaveLength(2);
  });

  it('replays a refund whose retry would now exceed what is refundable', async () => {
    const { patientId } = await openAccount();
    await ledger.record(transactionRequest(patientId, { type: 'PAYMENT', amount: 1_000 }));
    const refund = transactionRequest(patientId, { type: 'REFUND', amount: 1_000 });
    const first = await ledger.record(refund);
    expect(await ledger.record(refund)).toEqual({ ...first, replayed: true });
  });

  it.each([
    ['amount', { amount: 0 }],
    ['amount', { amount: 100_000_001 }],
    ['type', { type: 'GIFT' }],
    ['currency', { currency: 'EUR' }],
    ['currency', { currency: 'usd' }],
    ['description', { description: '  ' }],
    ['description', { description: 'x'.repeat(201) }],
    ['serviceDate', { serviceDate: '2023-02-30' }],
    ['serviceDate', { serviceDate: '2999-01-01' }],
    ['idempotencyKey', { idempotencyKey: '' }],
    ['idempotencyKey', { idempotencyKey: 'a b' }],
    ['createdBy', { createdBy: '' }],
  ])('refuses a bad %s with INVALID_ARGUMENT naming it (%j)', async (field, overrides) => {
    const { patientId } = await openAccount();
    const error = await rejectionOf(ledger.record(transactionRequest(patientId, overrides)));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(trailer(error, 'billing-field')).toBe(field);
    expect(await everyTransaction(patientId)).toHaveLength(0);
  });
});

describe('ListTransactions and GetTransaction', () => {
  it('lists newest first in pages, and finds each transaction by id', async () => {
    const { patientId } = await openAccount();
    const recorded: Transaction[] = [];
    for (let i = 1; i <= 7; i++) recorded.push(await ledger.record(transactionRequest(patientId, { amount: i })));
    const first = await ledger.page({ patientId, limit: 3, pageToken: '' });
    expect(first.transactions.map((t) => t.amount)).toEqual([7, 6, 5]);
    const second = await ledger.page({ patientId, limit: 3, pageToken: first.nextPageToken });
    const third = await ledger.page({ patientId, limit: 3, pageToken: second.nextPageToken });
    expect([...second.transactions, ...third.transactions].map((t) => t.amount)).toEqual([4, 3, 2, 1]);
    expect(third.nextPageToken).toBe('');
    expect((await ledger.page({ patientId, limit: 0, pageToken: '' })).transactions).toHaveLength(7);
    expect(await ledger.transaction({ patientId, transactionId: recorded[3]!.id })).toMatchObject({
      amount: 4,
      replayed: false,
    });
  });

  it("refuses a bad limit or page token, and answers NOT_FOUND for another account's transaction", async () => {
    const a = await openAccount();
    const b = await openAccount();
    const t = await ledger.record(transactionRequest(a.patientId));
    expect((await rejectionOf(ledger.transaction({ patientId: b.patientId, transactionId: t.id }))).code).toBe(
      status.NOT_FOUND,
    );
    expect((await rejectionOf(ledger.transaction({ patientId: a.patientId, transactionId: 'not-an-id' }))).code).toBe(
      status.NOT_FOUND,
    );
    const limit = await rejectionOf(ledger.page({ patientId: a.patientId, limit: 101, pageToken: '' }));
    expect([limit.code, trailer(limit, 'billing-field')]).toEqual([status.INVALID_ARGUMENT, 'limit']);
    const token = await rejectionOf(ledger.page({ patientId: a.patientId, limit: 5, pageToken: 'garbage!' }));
    expect([token.code, trailer(token, 'billing-field')]).toEqual([status.INVALID_ARGUMENT, 'pageToken']);
  });
});

describe('racing writers on one account', () => {
  it('records 50 racing posts with distinct keys: 50 transactions and the exact balance', async () => {
    const { patientId } = await openAccount();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ledger.record(transactionRequest(patientId, { amount: 100 + i }))),
    );
    expect(new Set(results.map((t) => t.id)).size).toBe(50);
    const { account, transactions } = await expectBalanced(patientId);
    expect(transactions).toHaveLength(50);
    expect(account.balance).toBe(Array.from({ length: 50 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0));
    expect(new Set(transactions.map((t) => t.balanceAfter)).size).toBe(50);
  });

  it('records one transaction for 20 racing posts with one key, and all 20 get it', async () => {
    const { patientId } = await openAccount();
    const request = transactionRequest(patientId, { amount: 4_242 });
    const results = await Promise.all(Array.from({ length: 20 }, () => ledger.record(request)));
    expect(new Set(results.map((t) => t.id)).size).toBe(1);
    expect(results.filter((t) => !t.replayed)).toHaveLength(1);
    const { account, transactions } = await expectBalanced(patientId);
    expect(transactions).toHaveLength(1);
    expect(account.balance).toBe(4_242);
  });

  it('keeps the balance exact when two billing servers (two tasks) write one account at once', async () => {
    const { patientId } = await openAccount();
    const second = await startBillingServer({
      port: 0,
      tableName: server.tableName,
      transactionsTableName: server.transactionsTableName,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    });
    const secondClients = typedClients(`127.0.0.1:${second.port}`);
    try {
      const servers = [ledger, ledgerCalls(secondClients.billing)];
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          servers[i % 2]!.record(
            transactionRequest(patientId, { type: i % 3 === 2 ? 'PAYMENT' : 'CHARGE', amount: 10 + i }),
          ),
        ),
      );
      expect(new Set(replies.map((t) => t.id)).size).toBe(30);
      const { transactions } = await expectBalanced(patientId);
      expect(transactions).toHaveLength(30);
    } finally {
      secondClients.close();
      await second.stop();
    }
  });
});
