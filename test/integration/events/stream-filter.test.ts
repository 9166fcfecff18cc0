/**
 * The local stream poller applies its trigger's filters as Lambda's filter criteria do, on DynamoDB Local's
 * real stream: the handler sees only matching records (in order, with their batch item failures honoured), and
 * the records it never saw are checkpointed all the same, so a restarted poller does not deliver them again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dynamoClient } from '../../../functions/commons/clients/dynamo';
import { startStreamPoller } from '../../../local/pollers/stream-poller';
import { functions } from '../../../system/functions';
import { useLocalTables } from '../../support/tables';
import { waitFor } from '../../support/wait';

const patient = (id: string, over: Record<string, unknown> = {}) => ({
  pk: `PATIENT#${id}`,
  sk: 'PATIENT',
  entity: 'PATIENT',
  id,
  email: `${id}@example.com`,
  billingStatus: 'PENDING',
  version: 1,
  ...over,
});
const emailClaim = (id: string) => ({ pk: `EMAIL#${id}@example.com`, sk: 'EMAIL', entity: 'EMAIL', patientId: id });
const searchEntry = (id: string) => ({ pk: 'SEARCH#g', sk: `SEARCH#firstName#grace#${id}`, entity: 'SEARCH' });

const pendingBilling = functions['pending-billing'].trigger;
const filters = pendingBilling.kind === 'table-streams' ? pendingBilling.filters : undefined;

let tables: Awaited<ReturnType<typeof useLocalTables>>;
beforeAll(async () => {
  tables = await useLocalTables();
});

it('delivers only the records that match the trigger filters, and checkpoints past the others', async () => {
  expect(filters?.length).toBeGreaterThan(0);
  const dataDir = mkdtempSync(join(tmpdir(), 'poller-'));
  const seen: DynamoDBRecord[] = [];
  let failFirst = true;
  const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    // The first batch reports its first record failed: the poller must resume from that record (filtered too).
    if (failFirst && event.Records.length > 0) {
      failFirst = false;
      return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.dynamodb!.SequenceNumber! }] };
    }
    seen.push(...event.Records);
    return { batchItemFailures: [] };
  };
  const poller = await startStreamPoller({
    endpoint: process.env.DYNAMODB_ENDPOINT!,
    tableName: tables.patients,
    handler,
    filters,
    dataDir,
  });
  const db = dynamoClient();
  try {
    await db.send(new PutCommand({ TableName: tables.patients, Item: patient('a') })); // PENDING: delivered
    await db.send(new PutCommand({ TableName: tables.patients, Item: emailClaim('a') }));
    await db.send(new PutCommand({ TableName: tables.patients, Item: searchEntry('a') }));
    await db.send(new PutCommand({ TableName: tables.patients, Item: patient('b', { billingStatus: 'ACTIVE' }) }));
    await db.send(
      new UpdateCommand({
        TableName: tables.patients,
        Key: { pk: 'PATIENT#a', sk: 'PATIENT' },
        UpdateExpression: 'SET deletedAt = :d',
        ExpressionAttributeValues: { ':d': '2026-01-03T00:00:00.000Z' },
      }),
    ); // deleted while PENDING: dropped
    await db.send(new PutCommand({ TableName: tables.patients, Item: patient('c') })); // delivered
    await db.send(new PutCommand({ TableName: tables.patients, Item: emailClaim('c') })); // the last record: dropped

    await waitFor(() => seen.length >= 2, 'the two pending patients');
    // Give the poller time to read everything written (and to deliver anything it should not).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(failFirst).toBe(false);
    expect(seen.map((r) => r.dynamodb?.NewImage?.id?.S)).toEqual(['a', 'c']);
    expect(seen.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT']);
  } finally {
    await poller.stop();
  }

  // Restarted without filters on the same checkpoint: nothing already read comes back, not even the dropped
  // records; only what is written now.
  const again: DynamoDBRecord[] = [];
  const restarted = await startStreamPoller({
    endpoint: process.env.DYNAMODB_ENDPOINT!,
    tableName: tables.patients,
    handler: async (event) => {
      again.push(...event.Records);
    },
    dataDir,
  });
  try {
    await db.send(new PutCommand({ TableName: tables.patients, Item: emailClaim('d') }));
    await waitFor(() => again.length >= 1, 'the record written after the restart');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(again.map((r) => r.dynamodb?.NewImage?.pk?.S)).toEqual(['EMAIL#d@example.com']);
  } finally {
    await restarted.stop();
  }
});
