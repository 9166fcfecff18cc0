/**
 * Billing on create over gRPC, against the real billing server (billing/src/server.ts) on a free port:
 * reachable → the patient is ACTIVE at once; unreachable → PENDING, and completePendingBilling opens the
 * account later, exactly once, without changing the patient's version; the pending-billing reader of the
 * table's stream does so by itself once billing is back.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startBillingServer, type BillingServer } from '../../../billing/src/server';
import { startStreamPoller } from '../../../local/pollers/stream-poller';
import { freePort } from '../../../local/ports';
import { useLocalTables } from '../../support/tables';
import { admin, client, validInput } from './api-events';

let call: ReturnType<typeof client>;
let billing: BillingServer | undefined;
let port = 0;
let tables: Awaited<ReturnType<typeof useLocalTables>>;

async function startBilling(): Promise<void> {
  billing = await startBillingServer({
    port,
    tableName: tables['billing-accounts'],
    transactionsTableName: tables['billing-transactions'],
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    drainTimeoutMs: 1000,
  });
}

async function stopBilling(): Promise<void> {
  await billing?.stop();
  billing = undefined;
}

/** The account the billing service holds for a patient, if any. */
async function accountOf(patientId: string): Promise<string | undefined> {
  const { dynamoClient } = await import('../../../functions/commons/clients/dynamo');
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: tables['billing-accounts'], Key: { patientId }, ConsistentRead: true }),
  );
  return Item?.accountId as string | undefined;
}

/** The patients as read once all are ACTIVE, or as they are after 20 s. */
async function readsOnceActive(ids: string[]) {
  const deadline = Date.now() + 20_000;
  let reads = await Promise.all(ids.map((id) => call({ method: 'GET', id })));
  while (reads.some((r) => r.body.billingStatus !== 'ACTIVE') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    reads = await Promise.all(ids.map((id) => call({ method: 'GET', id })));
  }
  return reads;
}

beforeAll(async () => {
  tables = await useLocalTables();
  process.env.CURSOR_KEY = 'integration-test-cursor-key';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  port = await freePort();
  await startBilling();
  process.env.BILLING_ADDRESS = `127.0.0.1:${port}`;
  const { handler } = await import('../../../functions/patients/handler');
  call = client(handler);
});

afterAll(async () => {
  await stopBilling();
  const { billingClient } = await import('../../../functions/commons/clients/billing');
  billingClient().close();
});

async function completion() {
  const { completePendingBilling } = await import('../../../functions/patients');
  const { billingCompletionPorts } = await import('../../../functions/patients/ports-from-env');
  return (id: string) => completePendingBilling(id, billingCompletionPorts());
}

it('opens the billing account on create: 201 with billingStatus ACTIVE and its account id', async () => {
  const created = await call({ method: 'POST', body: validInput(), caller: admin });
  expect(created.status).toBe(201);
  expect(created.body.billingStatus).toBe('ACTIVE');
  expect(created.body.billingAccountId).toEqual(expect.any(String));
  expect(created.body.billingAccountId).toBe(await accountOf(created.body.id));
  expect((await call({ method: 'GET', id: created.body.id })).body).toEqual(created.body);
});

it('opens the account of a patient with the longest names the API accepts (100 characters each)', async () => {
  const created = await call({
    method: 'POST',
    body: validInput({ firstName: 'F'.repeat(100), lastName: 'L'.repeat(100) }),
  });
  expect(created.status).toBe(201);
  expect(created.body.billingStatus).toBe('ACTIVE');
});

it('creates the patient PENDING when billing is down; completePendingBilling opens the account once, version unchanged', async () => {
  await stopBilling();
  const created = await call({ method: 'POST', body: validInput() });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ billingStatus: 'PENDING', billingAccountId: null, version: 1 });
  const id: string = created.body.id;
  const complete = await completion();
  await expect(complete(id)).rejects.toBeDefined();

  await startBilling();
  expect(await complete(id)).toBe('ACTIVATED');
  expect(await complete(id)).toBe('ALREADY_ACTIVE');
  const read = await call({ method: 'GET', id });
  const account = await accountOf(id);
  expect(account).toEqual(expect.any(String));
  expect(read.body).toMatchObject({ billingStatus: 'ACTIVE', billingAccountId: account, version: 1 });
  expect(read.headers.etag).toBe('"1"');

  // An If-Match taken before the account opened still matches, and PUT keeps the billing fields.
  const updated = await call({
    method: 'PUT',
    id,
    body: validInput({ email: created.body.email }),
    headers: { 'If-Match': created.headers.etag! },
  });
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ billingStatus: 'ACTIVE', billingAccountId: account, version: 2 });
});

it('racing completions open one account and record it once', async () => {
  await stopBilling();
  const created = await call({ method: 'POST', body: validInput() });
  expect(created.body.billingStatus).toBe('PENDING');
  await startBilling();
  const complete = await completion();
  const outcomes = await Promise.all(Array.from({ length: 5 }, () => complete(created.body.id)));
  expect(outcomes.filter((o) => o === 'ACTIVATED')).toHaveLength(1);
  expect(outcomes.filter((o) => o === 'ALREADY_ACTIVE')).toHaveLength(4);
  expect((await call({ method: 'GET', id: created.body.id })).body.billingAccountId).toBe(
    await accountOf(created.body.id),
  );
});

it('opens no account for a deleted or unknown patient', async () => {
  await stopBilling();
  const created = await call({ method: 'POST', body: validInput() });
  await startBilling();
  expect((await call({ method: 'DELETE', id: created.body.id })).status).toBe(204);
  const complete = await completion();
  expect(await complete(created.body.id)).toBe('DELETED');
  expect(await complete('00000000-0000-4000-8000-000000000000')).toBe('NOT_FOUND');
  expect(await accountOf(created.body.id)).toBeUndefined();
});

it("the stream's pending-billing reader opens the accounts of patients created while billing was down, once billing is back", async () => {
  await stopBilling();
  const created = await Promise.all([1, 2, 3].map(() => call({ method: 'POST', body: validInput() })));
  expect(created.map((c) => c.body.billingStatus)).toEqual(['PENDING', 'PENDING', 'PENDING']);
  const { handler } = await import('../../../functions/patients/streams/open-billing');
  let invocations = 0;
  const poller = await startStreamPoller({
    endpoint: process.env.DYNAMODB_ENDPOINT!,
    tableName: tables.patients,
    dataDir: mkdtempSync(join(tmpdir(), 'pending-billing-')),
    handler: async (event) => {
      invocations++;
      return handler(event);
    },
  });
  try {
    await new Promise((r) => setTimeout(r, 1500)); // billing still down: the reader keeps retrying
    expect(invocations).toBeGreaterThan(0);
    expect((await call({ method: 'GET', id: created[0]!.body.id })).body.billingStatus).toBe('PENDING');

    await startBilling();
    const reads = await readsOnceActive(created.map((c) => c.body.id as string));
    for (const read of reads) {
      expect(read.body).toMatchObject({ billingStatus: 'ACTIVE', version: 1 });
      expect(read.body.billingAccountId).toBe(await accountOf(read.body.id));
    }
  } finally {
    await poller.stop();
  }
});

it('the pending-billing reader stops before a patient it has no time left for, and the stream resumes from that record', async () => {
  await stopBilling();
  const created = await Promise.all([1, 2].map(() => call({ method: 'POST', body: validInput() })));
  expect(created.map((c) => c.body.billingStatus)).toEqual(['PENDING', 'PENDING']);
  await startBilling();
  const { handler, TIME_PER_PATIENT_MS } = await import('../../../functions/patients/streams/open-billing');
  const results: DynamoDBBatchResponse[] = [];
  const poller = await startStreamPoller({
    endpoint: process.env.DYNAMODB_ENDPOINT!,
    tableName: tables.patients,
    dataDir: mkdtempSync(join(tmpdir(), 'pending-billing-time-')),
    handler: async (event) => {
      // The first invocation has time for one patient, no more; the later ones have plenty.
      let asked = 0;
      const context = {
        getRemainingTimeInMillis: () => (results.length > 0 || asked++ === 0 ? 60_000 : TIME_PER_PATIENT_MS - 1),
      };
      const result = await handler(event, context);
      results.push(result);
      return result;
    },
  });
  try {
    const reads = await readsOnceActive(created.map((c) => c.body.id as string));
    // The first batch stopped at its second patient, and a later one began there.
    expect(results[0]!.batchItemFailures).toHaveLength(1);
    expect(results.length).toBeGreaterThan(1);
    for (const read of reads) expect(read.body).toMatchObject({ billingStatus: 'ACTIVE', version: 1 });
  } finally {
    await poller.stop();
  }
});

it('a patient billing refuses outright stays PENDING without holding up the patients after it', async () => {
  await stopBilling();
  // Stored as an older version of the API could have stored it: a name billing refuses (a control character).
  const { DynamoPatientRepository } = await import('../../../functions/patients/adapters/dynamo-patient-repository');
  const { newPatient } = await import('../../../functions/patients/domain/patient');
  const { dynamoClient } = await import('../../../functions/commons/clients/dynamo');
  const input = { ...validInput(), firstName: 'Tab\tName' } as unknown as Parameters<typeof newPatient>[0];
  const refused = newPatient(input, randomUUID(), new Date());
  await new DynamoPatientRepository(dynamoClient(), tables.patients).create(refused);
  const after = await call({ method: 'POST', body: validInput() });
  expect(after.body.billingStatus).toBe('PENDING');
  await startBilling();
  const { handler } = await import('../../../functions/patients/streams/open-billing');
  const poller = await startStreamPoller({
    endpoint: process.env.DYNAMODB_ENDPOINT!,
    tableName: tables.patients,
    dataDir: mkdtempSync(join(tmpdir(), 'pending-billing-refused-')),
    handler: (event) => handler(event),
  });
  try {
    const [read] = await readsOnceActive([after.body.id as string]);
    expect(read!.body.billingStatus).toBe('ACTIVE');
    expect((await call({ method: 'GET', id: refused.id })).body.billingStatus).toBe('PENDING');
    expect(await accountOf(refused.id)).toBeUndefined();
  } finally {
    await poller.stop();
  }
});
