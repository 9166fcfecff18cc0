/**
 * The outbox pipeline on real local components: DynamoDB Local's stream → stream poller → publisher →
 * the project's Kafka broker → Kafka poller → a handler receiving the exact aws:kafka event shape.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type Broker } from '../../../local/broker';
import { startKafkaPoller } from '../../../local/pollers/kafka-poller';
import { startStreamPoller } from '../../../local/pollers/stream-poller';
import { PatientEvent } from '../../../proto/gen/patient_event';
import { dynamoClient } from '../../../functions/commons/clients/dynamo';
import { handler as publisher } from '../../../functions/patients/streams/publish-events';
import { closeProducer } from '../../../functions/commons/clients/kafka-producer';
import { useLocalTables } from '../../support/tables';
import { waitFor } from '../../support/wait';

const patientItem = (id: string, over: Record<string, unknown> = {}) => ({
  pk: `PATIENT#${id}`,
  sk: 'PATIENT',
  entity: 'PATIENT',
  id,
  firstName: 'Grace',
  lastName: 'Hopper',
  email: `${id}@example.com`,
  dateOfBirth: '1960-12-09',
  address: { street: 's', city: 'c', state: 'VA', zipCode: '1' },
  gender: 'female',
  registeredDate: '2026-01-01',
  billingStatus: 'ACTIVE',
  billingAccountId: 'b',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('outbox pipeline', () => {
  let broker: Broker;
  let tables: Awaited<ReturnType<typeof useLocalTables>>;
  const received: MSKEvent[] = [];
  let failNext = 0;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    tables = await useLocalTables();
    broker = await startBroker({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'broker-')) });
    process.env.KAFKA_BROKERS = `127.0.0.1:${broker.port}`;
    process.env.KAFKA_AUTH = 'none';
    process.env.KAFKA_TOPIC = 'patient';
    const admin = new Kafka({ brokers: [process.env.KAFKA_BROKERS], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'patient', numPartitions: 3 }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await closeProducer();
    await broker.stop();
  });

  it('publishes creates, updates and deletes in order per key, skips billing-only changes, and retries failed batches', async () => {
    const streamPoller = await startStreamPoller({
      endpoint: process.env.DYNAMODB_ENDPOINT!,
      tableName: tables.patients,
      handler: publisher,
      dataDir: mkdtempSync(join(tmpdir(), 'poller-')),
    });
    stops.push(streamPoller.stop);
    const kafkaPoller = await startKafkaPoller({
      brokers: [process.env.KAFKA_BROKERS!],
      topic: 'patient',
      groupId: 'test-analytics',
      batchSize: 100,
      batchWindowMs: 200,
      handler: async (event) => {
        if (failNext > 0) {
          failNext--;
          throw new Error('consumer failed');
        }
        received.push(event);
      },
    });
    stops.push(kafkaPoller.stop);

    const db = dynamoClient();
    failNext = 1; // the first delivery fails: the same batch must come again
    await db.send(new PutCommand({ TableName: tables.patients, Item: patientItem('a') }));
    await db.send(
      new PutCommand({
        TableName: tables.patients,
        Item: { pk: 'EMAIL#a@example.com', sk: 'EMAIL', entity: 'EMAIL', patientId: 'a' },
      }),
    );
    await db.send(
      new UpdateCommand({
        TableName: tables.patients,
        Key: { pk: 'PATIENT#a', sk: 'PATIENT' },
        UpdateExpression: 'SET billingAccountId = :b',
        ExpressionAttributeValues: { ':b': 'b2' },
      }),
    ); // billing-only: no event
    await db.send(
      new UpdateCommand({
        TableName: tables.patients,
        Key: { pk: 'PATIENT#a', sk: 'PATIENT' },
        UpdateExpression: 'SET #v = :v, address.#s = :s, updatedAt = :u',
        ExpressionAttributeNames: { '#v': 'version', '#s': 'state' },
        ExpressionAttributeValues: { ':v': 2, ':s': 'MD', ':u': '2026-01-02T00:00:00.000Z' },
      }),
    );
    await db.send(
      new UpdateCommand({
        TableName: tables.patients,
        Key: { pk: 'PATIENT#a', sk: 'PATIENT' },
        UpdateExpression: 'SET deletedAt = :d',
        ExpressionAttributeValues: { ':d': '2026-01-03T00:00:00.000Z' },
      }),
    );

    const records = () => received.flatMap((e) => Object.values(e.records).flat());
    await waitFor(() => records().length >= 3, 'three events');
    expect(failNext).toBe(0);
    const event = received[0]!;
    expect(event.eventSource).toBe('aws:kafka');
    expect(event.bootstrapServers).toBe(process.env.KAFKA_BROKERS);
    const [key] = Object.keys(event.records);
    expect(key).toMatch(/^patient-[0-2]$/);
    const decoded = records().map((r) => PatientEvent.decode(Buffer.from(r.value, 'base64')));
    expect(decoded.map((e) => e.eventType)).toEqual(['PATIENT_CREATED', 'PATIENT_UPDATED', 'PATIENT_DELETED']);
    expect(decoded.map((e) => e.state)).toEqual(['VA', 'MD', 'MD']);
    expect(decoded[1]!.beforeState).toBe('VA');
    expect(new Set(decoded.map((e) => e.eventId)).size).toBe(3);
    const first = records()[0]!;
    expect(Buffer.from(first.key, 'base64').toString()).toBe('a');
    expect(first.timestampType).toBe('CREATE_TIME');
    expect(first.headers.some((h) => Buffer.from(h.eventType ?? []).toString() === 'PATIENT_CREATED')).toBe(true);

    // Offsets are committed only after success: the group's committed offset covers all three.
    const admin = new Kafka({ brokers: [process.env.KAFKA_BROKERS!], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const committed = async () =>
      (await admin.fetchOffsets({ groupId: 'test-analytics', topics: ['patient'] }))[0]!.partitions.reduce(
        (sum, p) => sum + Math.max(0, Number(p.offset)),
        0,
      );
    let total = await committed();
    for (let i = 0; i < 100 && total < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      total = await committed();
    }
    await admin.disconnect();
    expect(total).toBe(3);
  });
});
