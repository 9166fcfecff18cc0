/**
 * Event figures, against one `npm start` runtime:
 * - analytics consumer throughput: events produced straight onto topic `patient`, timed until
 *   GET /api/analytics counts them all (committed aggregates), vs raw single-item write throughput
 *   (back-to-back UpdateItem on the analytics table of the same DynamoDB Local);
 * - end to end: POST /api/patients → the new patient in GET /api/analytics, p50 and p99;
 * - broker produce throughput with kafkajs vs the same producer against librdkafka's mock cluster
 *   (`kcat -X test.mock.num.brokers=1`, which keeps the mock cluster up while kcat waits on stdin).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { BenchModule } from '../lib/context';
import { patientInput, type BenchContext } from '../lib/context';
import { requireFiles } from '../lib/components';
import { bareClients } from '../lib/dynamo';
import { closedLoop } from '../lib/load';
import { comparison, figure, limit, type Row } from '../lib/report';
import { median, percentile } from '../lib/stats';
import { PatientEvent } from '../../proto/gen/patient_event';

const EVENTS_PER_ROUND = Number(process.env.BENCH_EVENTS ?? 3000);
const E2E_SAMPLES = Number(process.env.BENCH_E2E_SAMPLES ?? 10);
const PRODUCE_MESSAGES = Number(process.env.BENCH_PRODUCE_MESSAGES ?? 20000);
const PRODUCE_BATCH = 100;

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

interface Analytics {
  totalPatients: number;
  eventsProcessed: number;
}

async function analytics(baseUrl: string, token: string): Promise<Analytics> {
  const response = await fetch(`${baseUrl}/api/analytics`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET /api/analytics answered ${response.status}`);
  return (await response.json()) as Analytics;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, pollMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return false;
}

function createdEvent(): { key: string; value: Buffer } {
  const patientId = randomUUID();
  const value = PatientEvent.encode(
    PatientEvent.fromPartial({
      patientId,
      name: 'Bench Patient',
      email: `${patientId}@example.test`,
      eventType: 'PATIENT_CREATED',
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      schemaVersion: 2,
      state: ['CA', 'NY', 'TX'][Math.floor(Math.random() * 3)],
      birthYear: 1950 + Math.floor(Math.random() * 60),
      gender: 'unknown',
      registeredDate: new Date().toISOString().slice(0, 10),
      version: 1,
    }),
  ).finish();
  return { key: patientId, value: Buffer.from(value) };
}

/** Messages/s of one producer sending `PRODUCE_MESSAGES` 200-byte messages to partition 0, batches of 100, acks=all. */
async function produceRate(producer: Producer, topic: string): Promise<number> {
  const batch = Array.from({ length: PRODUCE_BATCH }, (_, i) => ({
    key: String(i),
    value: Buffer.alloc(200, i),
    partition: 0,
  }));
  const t0 = performance.now();
  for (let sent = 0; sent < PRODUCE_MESSAGES; sent += PRODUCE_BATCH)
    await producer.send({ topic, acks: -1, messages: batch });
  return PRODUCE_MESSAGES / ((performance.now() - t0) / 1000);
}

async function startMockCluster(): Promise<{ bootstrap: string; stop(): void }> {
  const kcat = spawn(
    'kcat',
    ['-X', 'test.mock.num.brokers=1', '-b', '127.0.0.1:1', '-P', '-t', 'bench-mock-keepalive'],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('kcat printed no mock cluster address')), 10_000);
    kcat.once('error', reject);
    kcat.stderr!.on('data', (chunk: Buffer) => {
      const match = /replaced with (\S+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  // SIGKILL: on SIGTERM kcat tries to flush to the mock cluster and may never exit, which kept the bench from ending.
  return { bootstrap, stop: () => kcat.kill('SIGKILL') };
}

async function run(ctx: BenchContext) {
  requireFiles([
    'functions/analytics/consumer-handler.ts',
    'functions/analytics/query-handler.ts',
    'functions/patients/streams/publish-events.ts',
    'local/broker/index.ts',
  ]);
  const runtime = await ctx.runtime();
  const token = await ctx.adminToken();
  const rows: Row[] = [];
  const notes: string[] = [];
  const kafka = new Kafka({ clientId: 'bench', brokers: [runtime.kafka], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const { client, doc } = bareClients(runtime.dynamodb);
  try {
    // Consumer throughput vs raw single-item writes.
    const consumed: number[] = [];
    const rawWrites: number[] = [];
    const rawWrite = () =>
      doc.send(
        new UpdateCommand({
          TableName: 'analytics',
          Key: { pk: 'BENCH#raw-write', sk: 'count' },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    for (let round = 0; round < ctx.rounds; round++) {
      const before = (await analytics(runtime.baseUrl, token)).eventsProcessed;
      const events = Array.from({ length: EVENTS_PER_ROUND }, createdEvent);
      const t0 = performance.now();
      for (let i = 0; i < events.length; i += 500)
        await producer.send({ topic: 'patient', acks: -1, messages: events.slice(i, i + 500) });
      const done = await until(
        async () => (await analytics(runtime.baseUrl, token)).eventsProcessed >= before + EVENTS_PER_ROUND,
        120_000,
        50,
      );
      if (!done) throw new Error(`analytics did not count ${EVENTS_PER_ROUND} events within 120 s`);
      consumed.push(EVENTS_PER_ROUND / ((performance.now() - t0) / 1000));
      rawWrites.push((await closedLoop(1, ctx.seconds, rawWrite)).rps);
      ctx.log(
        `round ${round + 1}: consumer ${consumed.at(-1)!.toFixed(0)} events/s, raw writes ${rawWrites.at(-1)!.toFixed(0)}/s`,
      );
    }
    rows.push(
      comparison(
        'analytics consumer, topic → committed aggregates',
        median(consumed),
        median(rawWrites),
        'events/s',
        '>=',
        3,
        'raw single-item writes/s',
      ),
    );

    // End-to-end latency.
    const latencies: number[] = [];
    const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    for (let i = 0; i < E2E_SAMPLES * ctx.rounds; i++) {
      const before = (await analytics(runtime.baseUrl, token)).totalPatients;
      const t0 = performance.now();
      const response = await fetch(`${runtime.baseUrl}/api/patients`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(patientInput('e2e')),
      });
      if (response.status !== 201) throw new Error(`POST /api/patients answered ${response.status}`);
      if (!(await until(async () => (await analytics(runtime.baseUrl, token)).totalPatients > before, 15_000, 10)))
        throw new Error('a created patient did not reach analytics in 15 s');
      latencies.push(performance.now() - t0);
    }
    rows.push(figure('POST → GET /api/analytics p50', percentile(latencies, 50), 'ms'));
    rows.push(limit('POST → GET /api/analytics p99', percentile(latencies, 99), 'ms', '<=', 1500));
    notes.push(
      `End to end: ${latencies.length} sequential creates, each timed from sending the POST until GET /api/analytics (polled every 10 ms) counts it; with ${latencies.length} samples the p99 is the slowest.`,
    );
    notes.push(
      `Consumer: ${EVENTS_PER_ROUND} PATIENT_CREATED events per round produced onto topic patient, timed until eventsProcessed counts them all; raw: back-to-back UpdateItem (ADD) on one analytics item, one at a time, for ${ctx.seconds} s.`,
    );
  } finally {
    await producer.disconnect();
    client.destroy();
  }

  // Broker produce throughput vs librdkafka's mock cluster.
  let mock: Awaited<ReturnType<typeof startMockCluster>> | undefined;
  try {
    mock = await startMockCluster();
  } catch (error) {
    notes.push(`librdkafka mock cluster unavailable (${(error as Error).message}); no produce comparison.`);
  }
  if (mock) {
    const ours = new Kafka({
      clientId: 'bench-produce',
      brokers: [runtime.kafka],
      logLevel: logLevel.NOTHING,
    }).producer();
    const theirs = new Kafka({
      clientId: 'bench-produce',
      brokers: [mock.bootstrap],
      logLevel: logLevel.NOTHING,
    }).producer();
    try {
      await ours.connect();
      await theirs.connect();
      const topic = `bench-produce-${Date.now()}`;
      await ours.send({ topic, messages: [{ value: 'warm', partition: 0 }] });
      await theirs.send({ topic, messages: [{ value: 'warm', partition: 0 }] });
      const oursRate: number[] = [];
      const mockRate: number[] = [];
      // One unmeasured round each first: the broker's hot path is JIT-compiled by then, as it is in steady use.
      await produceRate(ours, topic);
      await produceRate(theirs, topic);
      for (let round = 0; round < ctx.rounds; round++) {
        oursRate.push(await produceRate(ours, topic));
        mockRate.push(await produceRate(theirs, topic));
        ctx.log(
          `round ${round + 1}: our broker ${oursRate.at(-1)!.toFixed(0)} msg/s, mock cluster ${mockRate.at(-1)!.toFixed(0)} msg/s`,
        );
      }
      rows.push(
        comparison(
          'broker produce, kafkajs acks=all',
          median(oursRate),
          median(mockRate),
          'msg/s',
          '>=',
          0.8,
          'librdkafka mock cluster',
        ),
      );
      notes.push(
        `Produce: one kafkajs producer, one unmeasured warm-up round each, then ${PRODUCE_MESSAGES} messages of 200 bytes per round in sequential batches of ${PRODUCE_BATCH} to partition 0, acks=all; the mock cluster is librdkafka's in-process test cluster, kept up by \`kcat -X test.mock.num.brokers=1 -P\` (its bootstrap address is read from kcat's log). Our broker runs in its own thread of the npm start process and writes its log to disk; the mock keeps everything in memory.`,
      );
    } finally {
      await ours.disconnect().catch(() => undefined);
      await theirs.disconnect().catch(() => undefined);
      mock.stop();
    }
  }
  return { rows, notes };
}

const module: BenchModule = { name: 'events', run };
export default module;
