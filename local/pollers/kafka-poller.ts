/**
 * Local stand-in for Lambda's Kafka event source mapping: a consumer group that hands the handler the
 * exact `aws:kafka` event (records keyed `topic-partition`, base64 key and value, header byte arrays),
 * at most `batchSize` records, gathered for up to `batchWindowMs`; it commits offsets only after the
 * handler succeeded and retries the whole batch when it fails.
 */
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { retryUntilDone } from './retry';

export interface KafkaPollerOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  handler: (event: MSKEvent) => Promise<unknown>;
  batchSize?: number;
  batchWindowMs?: number;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export function toMskRecord(topic: string, partition: number, message: KafkaMessage): MSKRecord {
  const headers = Object.entries(message.headers ?? {}).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value])
      .filter((v) => v !== undefined)
      .map((v) => ({ [name]: [...Buffer.from(v)] })),
  );
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    timestampType: 'CREATE_TIME',
    key: message.key ? message.key.toString('base64') : '',
    value: message.value ? message.value.toString('base64') : '',
    headers,
  };
}

export function mskEvent(brokers: string[], records: MSKRecord[]): MSKEvent {
  const grouped: Record<string, MSKRecord[]> = {};
  for (const record of records) (grouped[`${record.topic}-${record.partition}`] ??= []).push(record);
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:local:000000000000:cluster/local/00000000-0000-0000-0000-000000000000-1',
    bootstrapServers: brokers.join(','),
    records: grouped,
  };
}

/** Splits a partition's messages into invocations of at most `batchSize` records and 6 MB. */
function chunks(messages: KafkaMessage[], batchSize: number): KafkaMessage[][] {
  const out: KafkaMessage[][] = [];
  let current: KafkaMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = (m.value?.length ?? 0) + (m.key?.length ?? 0);
    if (current.length > 0 && (current.length >= batchSize || bytes + size > MAX_PAYLOAD_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

export async function startKafkaPoller(options: KafkaPollerOptions): Promise<{ stop: () => Promise<void> }> {
  const batchSize = options.batchSize ?? 100;
  const log = options.log ?? (() => undefined);
  const kafka = new Kafka({
    clientId: 'local-event-source-mapping',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 10 },
  });
  let running = true;
  let consumer: Consumer;

  async function start(): Promise<void> {
    // The broker holds each fetch until it has a full batch's worth or the window has passed: Lambda's batching window.
    consumer = kafka.consumer({
      groupId: options.groupId,
      minBytes: MAX_PAYLOAD_BYTES,
      maxWaitTimeInMs: options.batchWindowMs ?? 500,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    // Like the managed event source mapping, never give up: a consumer that crashed for good (the broker was
    // gone longer than its retries) is replaced, and resumes from the last committed offset.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || !running) return;
      log('consumer stopped after an error; starting a new one', { errorName: payload.error?.name });
      const crashed = consumer;
      setTimeout(
        () =>
          void crashed
            .disconnect()
            .catch(() => undefined)
            .then(() => (running ? start() : undefined))
            .catch(() => undefined),
        1000,
      );
    });
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (const chunk of chunks(batch.messages, batchSize)) {
          if (!payload.isRunning() || payload.isStale()) return;
          const event = mskEvent(
            options.brokers,
            chunk.map((m) => toMskRecord(batch.topic, batch.partition, m)),
          );
          await retryUntilDone(
            async () => {
              await options.handler(event);
            },
            () => running && payload.isRunning() && !payload.isStale(),
            (error, attempt) => {
              log('analytics consumer failed; retrying the batch', { attempt, errorName: (error as Error)?.name });
              void payload.heartbeat().catch(() => undefined);
            },
          );
          if (!running || !payload.isRunning() || payload.isStale()) return;
          const last = chunk.at(-1)!.offset;
          payload.resolveOffset(last);
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) },
          ]);
          await payload.heartbeat();
        }
      },
    });
  }

  await start();
  return {
    async stop() {
      running = false;
      await consumer.disconnect().catch(() => undefined);
    },
  };
}
