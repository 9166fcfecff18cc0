/**
 * Fault: the Kafka broker down during writes. The event path of the runtime is assembled here from its own
 * parts (DynamoDB Local, the broker as its own process, the stream poller feeding the publisher bundle,
 * the Kafka poller feeding the analytics consumer bundle), because inside `npm start` the broker shares
 * the runtime's process and cannot be stopped alone. Patients are written while the broker is killed;
 * after it restarts on the same port and data, every event is on the topic, and analytics counts each
 * exactly once (eventsProcessed equals the distinct event ids on the topic; totalPatients is exact).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableEnvVar, tables } from '../../system/tables';
import { ensureTables, localDynamoClient, startDynamoLocal, type DynamoLocal } from '../../local/dynamo';
import { freePort } from '../../local/ports';
import { startStreamPoller } from '../../local/pollers/stream-poller';
import { startKafkaPoller } from '../../local/pollers/kafka-poller';
import { ANALYTICS_EVENT_SOURCE } from '../../system/events';
import { DynamoPatientRepository } from '../../functions/patients/adapters/dynamo-patient-repository';
import { newPatient, type PatientRecord } from '../../functions/patients/domain/patient';
import type { PatientInput } from '../../functions/patients/schemas';
import { PatientEvent } from '../../proto/gen/patient_event';
import { loadHandler } from '../support/bundle';
import { config } from './support/config';
import { eventually, patientInput, tally } from './support/runtime';
import { readPatientTopic } from './support/topic';

const ROOT = resolve(__dirname, '../..');
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

function startBrokerProcess(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local/broker/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, KAFKA_PORT: String(port), KAFKA_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((done, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) done(child);
    });
    child.once('exit', (code) => fail(new Error(`broker exited with ${code}`)));
  });
}

function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}

describe('fault: Kafka broker down during writes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pms-reliability-broker-'));
  let dynamo: DynamoLocal | undefined;
  let broker: ChildProcess | undefined;
  const stoppers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    if (broker) await stopped(broker, 'SIGKILL');
    await dynamo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every event once the broker is back, and analytics counts each exactly once', async () => {
    dynamo = await startDynamoLocal({ port: await freePort() });
    const client = localDynamoClient(dynamo.endpoint);
    const names = await ensureTables(client, `rel-${Date.now()}-`);
    const kafkaPort = await freePort();
    const brokers = [`127.0.0.1:${kafkaPort}`];
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_AUTH: 'none',
      KAFKA_TOPIC: 'patient',
      BILLING_ADDRESS: '127.0.0.1:1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    for (const def of Object.values(tables)) process.env[tableEnvVar(def.name)] = names[def.name];
    broker = await startBrokerProcess(kafkaPort, join(dataDir, 'kafka'));

    const publisher = await loadHandler('publisher');
    const consumer = await loadHandler('analytics-consumer');
    const query = await loadHandler('analytics-query');
    const streamPoller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName: names.patients,
      handler: publisher as never,
      dataDir: join(dataDir, 'pollers'),
    });
    stoppers.push(streamPoller.stop);
    const kafkaPoller = await startKafkaPoller({
      brokers,
      topic: ANALYTICS_EVENT_SOURCE.topic,
      groupId: ANALYTICS_EVENT_SOURCE.groupId,
      handler: consumer as never,
      batchSize: ANALYTICS_EVENT_SOURCE.batchSize,
      batchWindowMs: ANALYTICS_EVENT_SOURCE.batchWindowMs,
    });
    stoppers.push(kafkaPoller.stop);
    const analytics = async () => {
      const response = (await query({
        httpMethod: 'GET',
        path: '/api/analytics',
        resource: '/api/analytics',
        headers: {},
        queryStringParameters: null,
        requestContext: {
          requestId: randomUUID(),
          authorizer: { userId: 'reliability', email: 'reliability@example.test', role: 'admin' },
        },
      })) as { statusCode: number; body: string };
      if (response.statusCode !== 200) throw new Error(`analytics answered ${response.statusCode}`);
      return JSON.parse(response.body) as { totalPatients: number; eventsProcessed: number };
    };

    const repository = new DynamoPatientRepository(
      DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
      names.patients,
    );
    // Patients already ACTIVE: the event path is under test here, not billing.
    const write = async (count: number): Promise<PatientRecord[]> => {
      const written: PatientRecord[] = [];
      for (let i = 0; i < count; i++) {
        const patient = {
          ...newPatient(patientInput('broker') as unknown as PatientInput, randomUUID(), new Date()),
          billingStatus: 'ACTIVE' as const,
          billingAccountId: randomUUID(),
        };
        await repository.create(patient);
        written.push(patient);
      }
      return written;
    };

    const half = Math.ceil(config.faultCreates / 2);
    const before = await write(half);
    await eventually('the first writes counted', 60_000, async () =>
      (await analytics()).totalPatients === half ? true : undefined,
    );

    await stopped(broker, 'SIGKILL');
    const during = await write(config.faultCreates - half);
    const deleted = before.slice(0, Math.ceil(half / 4));
    for (const patient of deleted) await repository.softDelete(patient, new Date());
    await new Promise((r) => setTimeout(r, 3000)); // the publisher meets the dead broker and retries
    broker = await startBrokerProcess(kafkaPort, join(dataDir, 'kafka'));

    const expectedTotal = config.faultCreates - deleted.length;
    const figures = await eventually('analytics to count every patient', 120_000, async () => {
      const now = await analytics();
      return now.totalPatients === expectedTotal ? now : undefined;
    });

    // Every event on the topic, read back from the beginning by a group of our own.
    const wanted = config.faultCreates + deleted.length;
    const distinctOf = (events: PatientEvent[]) =>
      new Set(events.map((e) => `${e.patientId}:${e.eventType}:${e.eventId}`)).size;
    const events = await readPatientTopic(brokers, (read) => distinctOf(read) >= wanted);
    const records = events.length;
    const seen = new Map<string, Set<string>>();
    for (const event of events)
      seen.set(
        event.patientId,
        (seen.get(event.patientId) ?? new Set<string>()).add(`${event.eventType}:${event.eventId}`),
      );
    const distinct = () => distinctOf(events);

    const all = [...before, ...during];
    const delivered =
      all.filter((p) => [...(seen.get(p.id) ?? [])].some((e) => e.startsWith('PATIENT_CREATED:'))).length +
      deleted.filter((p) => [...(seen.get(p.id) ?? [])].some((e) => e.startsWith('PATIENT_DELETED:'))).length;
    const finalFigures = await analytics();
    tally('broker down', {
      sent: wanted,
      acknowledged: wanted,
      found: delivered,
      lost: wanted - delivered,
      topicRecords: records,
      distinctEvents: distinct(),
      eventsProcessed: finalFigures.eventsProcessed,
      totalPatients: figures.totalPatients,
    });
    expect(delivered).toBe(wanted);
    expect(finalFigures.totalPatients).toBe(expectedTotal);
    expect(finalFigures.eventsProcessed).toBe(distinct());
  });
});
