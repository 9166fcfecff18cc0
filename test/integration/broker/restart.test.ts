/** A broker restarted on the same data directory keeps its topics, messages, committed offsets and producer ids apart. */
import type { Kafka } from 'kafkajs';
import type { Broker } from '../../../local/broker';
import { waitFor } from '../../support/wait';
import { kafkaFor, startTestBroker, tempDataDir } from './support';

jest.setTimeout(90_000);

const dataDir = tempDataDir();
let broker: Broker | undefined;

afterAll(async () => {
  await broker?.stop();
  dataDir.remove();
});

async function consumeAll(
  kafka: Kafka,
  groupId: string,
  expected: number,
): Promise<{ partition: number; offset: string; value: string }[]> {
  const consumer = kafka.consumer({ groupId, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
  const seen: { partition: number; offset: string; value: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'durable', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) =>
      void seen.push({ partition, offset: message.offset, value: message.value?.toString() ?? '' }),
  });
  await waitFor(() => seen.length >= expected, `${expected} messages for ${groupId}`);
  await consumer.disconnect();
  return seen;
}

it('keeps messages, offsets and high watermarks across a restart, and goes on appending after them', async () => {
  broker = await startTestBroker(dataDir.path);
  let kafka = kafkaFor(broker);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic: 'durable',
    acks: -1,
    messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `before-${i}` })),
  });
  await producer.disconnect();
  const before = await consumeAll(kafka, 'durable-group', 10);
  await broker.stop();

  broker = await startTestBroker(dataDir.path);
  kafka = kafkaFor(broker);
  const restartedAdmin = kafka.admin();
  await restartedAdmin.connect();
  expect(await restartedAdmin.listTopics()).toContain('durable');
  const highs = await restartedAdmin.fetchTopicOffsets('durable');
  expect(highs.map((o) => [o.partition, o.high]).sort()).toEqual([
    [0, '5'],
    [1, '5'],
  ]);
  const [committed] = await restartedAdmin.fetchOffsets({ groupId: 'durable-group', topics: ['durable'] });
  expect(committed?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
    [0, '5'],
    [1, '5'],
  ]);
  await restartedAdmin.disconnect();

  // A fresh group reads the same messages at the same offsets.
  const again = await consumeAll(kafka, 'fresh-group', 10);
  const key = (m: { partition: number; offset: string; value: string }) => `${m.partition}/${m.offset}/${m.value}`;
  expect(again.map(key).sort()).toEqual(before.map(key).sort());

  // A new idempotent producer gets an id that the old batches do not carry, so its sends are not taken for retries.
  const newProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await newProducer.connect();
  const [result] = await newProducer.send({ topic: 'durable', acks: -1, messages: [{ partition: 0, value: 'after' }] });
  await newProducer.disconnect();
  expect(result).toMatchObject({ partition: 0, baseOffset: '5' });

  // The old group resumes after its committed offsets.
  const resumed = await consumeAll(kafka, 'durable-group', 1);
  expect(resumed[0]).toMatchObject({ partition: 0, offset: '5', value: 'after' });
});
