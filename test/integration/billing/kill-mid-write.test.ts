/**
 * A billing process (the container's entry point) SIGKILLed while RecordTransaction calls are in flight on
 * one account: every transaction is all there or not there at all (its key, its item, its share of the
 * account's figures), nothing acknowledged is lost, and retrying every request with its key after the
 * restart records each exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { DynamoDBClient, GetItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { credentials } from '@grpc/grpc-js';
import { figuresOfTransactions, type TransactionType } from '../../../billing/src/domain/ledger';
import { freePort } from '../../../local/ports';
import {
  BillingServiceClient,
  type RecordTransactionRequest,
  type Transaction,
} from '../../../proto/gen/billing_service';
import { useLocalTables } from '../../support/tables';
import { ledgerCalls, transactionRequest } from './ledger-support';

jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '../../..');
const REQUESTS = 120;

let tables: Record<string, string>;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  tables = await useLocalTables();
  dynamo = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(() => dynamo?.destroy());

async function startBilling(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'billing/src/main.ts')], {
    cwd: ROOT,
    stdio: 'ignore',
    env: {
      ...process.env,
      BILLING_PORT: String(port),
      BILLING_HOST: '127.0.0.1',
      BILLING_ACCOUNTS_TABLE: tables['billing-accounts'],
      BILLING_TRANSACTIONS_TABLE: tables['billing-transactions'],
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  const client = new BillingServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      const ready = await new Promise<boolean>((done) =>
        client.waitForReady(Date.now() + 500, (error) => done(!error)),
      );
      if (ready) return child;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('billing did not start');
    }
  } finally {
    client.close();
  }
}

/** Every item of the account's ledger partition, read straight from the table. */
async function storedLedger(accountId: string) {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tables['billing-transactions'],
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `ACCOUNT#${accountId}` } },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const transactions = items.filter((i) => i.entity === 'TRANSACTION');
  const keys = items.filter((i) => i.entity === 'IDEMPOTENCY_KEY');
  return { transactions, keys };
}

async function expectAllOrNothing(patientId: string, accountId: string) {
  const { transactions, keys } = await storedLedger(accountId);
  const { Item } = await dynamo.send(
    new GetItemCommand({
      TableName: tables['billing-accounts'],
      Key: { patientId: { S: patientId } },
      ConsistentRead: true,
    }),
  );
  const account = unmarshall(Item!);
  // Each transaction came with its key, and the account's figures hold exactly the transactions stored.
  expect(keys.map((k) => k.transactionId).sort()).toEqual(transactions.map((t) => t.transactionId).sort());
  const sum = figuresOfTransactions(
    transactions.map((t) => ({ type: t.type as TransactionType, amount: Number(t.amount) })),
  );
  expect({
    balance: account.balance,
    totalCharged: account.totalCharged,
    totalPaid: account.totalPaid,
    totalRefunded: account.totalRefunded,
  }).toEqual(sum);
  // One version per write, and a write carries one transaction or a batch of them.
  expect(account.ledgerVersion).toBeLessThanOrEqual(transactions.length);
  return transactions;
}

it('leaves each transaction all there or not at all, loses nothing acknowledged, and records each request once on retry', async () => {
  const port = await freePort();
  let child = await startBilling(port);
  const client = new BillingServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  const calls = ledgerCalls(client);
  const patientId = randomUUID();
  const opened = await new Promise<{ accountId: string }>((done, fail) =>
    client.createBillingAccount({ patientId, name: 'Kill Test', email: 'kill@example.test' }, (e, r) =>
      e ? fail(e) : done(r),
    ),
  );

  const requests: RecordTransactionRequest[] = Array.from({ length: REQUESTS }, (_, i) =>
    transactionRequest(patientId, {
      idempotencyKey: `kill-${i}`,
      type: i % 5 === 4 ? 'PAYMENT' : 'CHARGE',
      amount: 100 + i,
    }),
  );
  const acknowledged = new Map<string, Transaction>();
  let killed = false;
  const outcomes = await Promise.allSettled(
    requests.map(async (request) => {
      const t = await calls.record(request);
      acknowledged.set(request.idempotencyKey, t);
      // Kill once a fifth is acknowledged: the rest are queued or in flight.
      if (!killed && acknowledged.size >= REQUESTS / 5) {
        killed = true;
        child.kill('SIGKILL');
      }
      return t;
    }),
  );
  client.close();
  expect(killed).toBe(true);
  const failed = outcomes.filter((o) => o.status === 'rejected').length;
  expect(failed).toBeGreaterThan(0);

  const afterKill = await expectAllOrNothing(patientId, opened.accountId);
  const stored = new Set(afterKill.map((t) => t.transactionId));
  for (const t of acknowledged.values()) expect(stored.has(t.id)).toBe(true);
  console.log(
    `kill mid-write: sent ${REQUESTS}, acknowledged ${acknowledged.size}, found ${stored.size}, lost 0, failed at the kill ${failed}`,
  );

  // The client retries every request with its key on the restarted process.
  child = await startBilling(port);
  const again = new BillingServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    const retried = await Promise.all(requests.map((r) => ledgerCalls(again).record(r)));
    for (const [i, t] of retried.entries()) {
      const before = acknowledged.get(requests[i]!.idempotencyKey);
      if (before) expect(t).toEqual({ ...before, replayed: true });
    }
    const final = await expectAllOrNothing(patientId, opened.accountId);
    expect(final).toHaveLength(REQUESTS);
  } finally {
    again.close();
    child.kill('SIGKILL');
  }
});
