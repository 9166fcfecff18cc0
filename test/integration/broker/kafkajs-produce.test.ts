/** kafkajs producer (plain and idempotent, acks -1) and admin against the local broker. */
import type { Broker } from '../../../local/broker';
import type { Kafka } from 'kafkajs';
import { waitFor } from '../../support/wait';
import { kafkaFor, startTestBroker, tempDataDir } from './support';

jest.setTimeout(60_000);

let broker: Broker;
let kafka: Kafka;
const dataDir = tempDataDir();

beforeAll(async () => {
  broker = await startTestBroker(dataDir.path);
  kafka = kafkaFor(broker);
});

afterAll(async () => {
  await broker.stop();
  dataDir.remove();
});

async function readAll(
  topic: string,
  expected: number,
): Promise<{ partition: number; offset: string; key: string; value: string }[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}`, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
  const seen: { partition: number; offset: string; key: string; value: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
      });
    },
  });
  await waitFor(() => seen.length >= expected, `${expected} messages on ${topic}`);
  await consumer.disconnect();
  return seen;
}

describe('admin', () => {
  it('creates topics, refuses a duplicate, lists them and reports their offsets', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'admin-topic', numPartitions: 4 }] })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: 'admin-topic', numPartitions: 4 }] })).toBe(false);
      expect(await admin.listTopics()).toContain('admin-topic');
      const metadata = await admin.fetchTopicMetadata({ topics: ['admin-topic'] });
      expect(metadata.topics[0]?.partitions).toHaveLength(4);
      const offsets = await admin.fetchTopicOffsets('admin-topic');
      expect(offsets.map((o) => [o.partition, o.high, o.low]).sort()).toEqual([
        [0, '0', '0'],
        [1, '0', '0'],
        [2, '0', '0'],
        [3, '0', '0'],
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it('fetchOffsets reports a group commit, and -1 where nothing was committed', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'committed-topic', numPartitions: 2 }] });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: 'committed-topic',
        acks: -1,
        messages: [0, 1, 2].map((i) => ({ value: `v${i}`, partition: 0 })),
      });
      await producer.disconnect();
      await admin.setOffsets({
        groupId: 'committer',
        topic: 'committed-topic',
        partitions: [{ partition: 0, offset: '2' }],
      });
      const [topic] = await admin.fetchOffsets({ groupId: 'committer', topics: ['committed-topic'] });
      expect(topic?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
        [0, '2'],
        [1, '-1'],
      ]);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('producer', () => {
  it('stores plain sends with acks -1 at consecutive offsets, readable by a consumer', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const first = await producer.send({
      topic: 'plain',
      acks: -1,
      messages: [1, 2, 3].map((i) => ({ key: 'k', value: `first-${i}` })),
    });
    const second = await producer.send({
      topic: 'plain',
      acks: -1,
      messages: [4, 5].map((i) => ({ key: 'k', value: `second-${i}` })),
    });
    await producer.disconnect();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ topicName: 'plain', errorCode: 0, baseOffset: '0' });
    expect(second[0]).toMatchObject({ partition: first[0]!.partition, errorCode: 0, baseOffset: '3' });

    const seen = await readAll('plain', 5);
    expect(seen.map((m) => [m.offset, m.value])).toEqual([
      ['0', 'first-1'],
      ['1', 'first-2'],
      ['2', 'first-3'],
      ['3', 'second-4'],
      ['4', 'second-5'],
    ]);
  });

  it('auto-creates a topic with the default partition count and spreads keys over it', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'spread',
      acks: -1,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `key-${i}`, value: `v${i}` })),
    });
    await producer.disconnect();
    const seen = await readAll('spread', 30);
    expect(new Set(seen.map((m) => m.partition)).size).toBe(3);
    expect(seen.map((m) => m.value).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`).sort());
  });

  it("stores an idempotent producer's sends once each, in order per partition", async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 10; i++)
      await producer.send({ topic: 'idempotent', acks: -1, messages: [{ key: 'same', value: `e${i}` }] });
    await producer.disconnect();
    const seen = await readAll('idempotent', 10);
    expect(seen.map((m) => m.value)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
    expect(seen.map((m) => m.offset)).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
  });

  it('gzip-compressed batches pass through and decode', async () => {
    const { CompressionTypes } = await import('kafkajs');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'gzipped',
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: [
        { key: 'a', value: 'x'.repeat(1000) },
        { key: 'a', value: 'y' },
      ],
    });
    await producer.disconnect();
    const seen = await readAll('gzipped', 2);
    expect(seen.map((m) => m.value)).toEqual(['x'.repeat(1000), 'y']);
  });
});
