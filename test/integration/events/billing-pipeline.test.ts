/**
 * Billing's outbox on real local components: the billing server writes DynamoDB Local → both billing
 * tables' streams → stream pollers → billing publisher → the project's Kafka broker (topic billing) →
 * Kafka poller → the analytics consumer → GET /api/analytics' billing block; a redelivered batch counts once.
 */
import { mkdtempSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, MSKEvent } from 'aws-lambda';
import { Kafka, logLevel } from 'kafkajs';
import { startBillingServer, type BillingServer } from '../../../billing/src/server';
import { handler as consume } from '../../../functions/analytics/consumer-handler';
import { handler as query } from '../../../functions/analytics/query-handler';
import { handler as billingPublisher } from '../../../functions/billing/streams/publish-events';
import { closeProducer } from '../../../functions/commons/clients/kafka-producer';
import { startBroker, type Broker } from '../../../local/broker';
import { startKafkaPoller } from '../../../local/pollers/kafka-poller';
import { startStreamPoller } from '../../../local/pollers/stream-poller';
import { BillingEvent } from '../../../proto/gen/billing_event';
import { BillingServiceClient } from '../../../proto/gen/billing_service';
import { credentials } from '@grpc/grpc-js';
import { useLocalTables } from '../../support/tables';
import { waitFor } from '../../support/wait';
import { ledgerCalls, transactionRequest } from '../billing/ledger-support';

async function billingFigures() {
  const response = await query(
    {
      resource: '/api/analytics',
      httpMethod: 'GET',
      headers: {},
      requestContext: { authorizer: { userId: 'u', email: 'a@x.io', role: 'admin' } },
    } as never,
    {} as Context,
  );
  return JSON.parse(response.body).billing;
}

describe('billing outbox pipeline', () => {
  let broker: Broker;
  let server: BillingServer;
  let client: BillingServiceClient;
  const stops: (() => Promise<void>)[] = [];
  const delivered: MSKEvent[] = [];

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const tables = await useLocalTables();
    broker = await startBroker({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'broker-')) });
    process.env.KAFKA_BROKERS = `127.0.0.1:${broker.port}`;
    process.env.KAFKA_AUTH = 'none';
    const admin = new Kafka({ brokers: [process.env.KAFKA_BROKERS], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'billing', numPartitions: 3 }] });
    await admin.disconnect();
    server = await startBillingServer({
      port: 0,
      tableName: tables['billing-accounts'],
      transactionsTableName: tables['billing-transactions'],
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    });
    client = new BillingServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
    const dataDir = mkdtempSync(join(tmpdir(), 'poller-'));
    for (const table of [tables['billing-accounts'], tables['billing-transactions']]) {
      const poller = await startStreamPoller({
        endpoint: process.env.DYNAMODB_ENDPOINT!,
        tableName: table,
        handler: billingPublisher,
        dataDir,
      });
      stops.push(poller.stop);
    }
    const kafkaPoller = await startKafkaPoller({
      brokers: [process.env.KAFKA_BROKERS],
      topic: 'billing',
      groupId: 'test-analytics-billing',
      batchSize: 100,
      batchWindowMs: 200,
      handler: async (event) => {
        delivered.push(event);
        await consume(event);
      },
    });
    stops.push(kafkaPoller.stop);
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    client?.close();
    await server?.stop();
    await closeProducer();
    await broker?.stop();
  });

  it('publishes an event per opened account and recorded transaction, and analytics counts each once', async () => {
    const patientId = randomUUID();
    await new Promise((done, fail) =>
      client.createBillingAccount({ patientId, name: 'Pipe Line', email: 'p@example.test' }, (e, r) =>
        e ? fail(e) : done(r),
      ),
    );
    const calls = ledgerCalls(client);
    const charge = await calls.record(transactionRequest(patientId, { type: 'CHARGE', amount: 5_000 }));
    await calls.record(transactionRequest(patientId, { type: 'PAYMENT', amount: 2_000 }));
    await calls.record(transactionRequest(patientId, { type: 'REFUND', amount: 500 }));

    await waitFor(
      async () =>
        (await billingFigures()).currencies.USD?.refunded === 500 && (await billingFigures()).accountsOpened === 1,
      'the billing figures',
    );
    expect(await billingFigures()).toEqual({
      accountsOpened: 1,
      currencies: { USD: { charged: 5_000, paid: 2_000, refunded: 500, outstanding: 3_500 } },
      byDay: [{ date: charge.createdAt.slice(0, 10), currency: 'USD', charged: 5_000, paid: 2_000, refunded: 500 }],
    });
    const records = delivered.flatMap((e) => Object.values(e.records).flat());
    expect(records.every((r) => r.topic === 'billing' && Buffer.from(r.key, 'base64').toString() === patientId)).toBe(
      true,
    );
    const events = records.map((r) => BillingEvent.decode(Buffer.from(r.value, 'base64')));
    expect(
      events.filter((e) => e.eventType === 'TRANSACTION_RECORDED').map((e) => [e.transactionType, e.balanceAfter]),
    ).toEqual([
      ['CHARGE', 5_000],
      ['PAYMENT', 3_000],
      ['REFUND', 3_500],
    ]);

    // The event source redelivers whole batches: counted once all the same.
    for (const event of delivered) await consume(event);
    expect((await billingFigures()).currencies.USD).toEqual({
      charged: 5_000,
      paid: 2_000,
      refunded: 500,
      outstanding: 3_500,
    });
  });
});
