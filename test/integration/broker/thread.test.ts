/**
 * The broker as the local runtime runs it (local/broker-thread.ts): in a worker thread of its own, started again
 * on the same port when it dies, with its log on disk, so a producer and a consumer carry on across the restart.
 */
import type { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import type { Broker } from '../../../local/broker';
import { startBrokerThread } from '../../../local/broker-thread';
import { waitFor } from '../../support/wait';
import { tempDataDir } from './support';

jest.setTimeout(60_000);

const dataDir = tempDataDir();
const threads: Worker[] = [];
let broker: Broker;

beforeAll(async () => {
  broker = await startBrokerThread({ port: 0, dataDir: `${dataDir.path}/kafka` }, `${dataDir.path}/build`, (worker) =>
    threads.push(worker),
  );
});

afterAll(async () => {
  await broker.stop();
  dataDir.remove();
});

it('serves from its own thread, and after that thread dies, from a new one on the same port with the same log', async () => {
  const kafka = new Kafka({
    clientId: 'thread-test',
    brokers: [`${broker.host}:${broker.port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 200 },
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'restarts', acks: -1, messages: [{ value: 'before' }] });

  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  await threads[0]!.terminate(); // as a crash would end it
  await waitFor(() => threads.length === 2, 'a new broker thread');
  expect(logged.mock.calls.map(([line]) => String(line))).toEqual([
    expect.stringContaining('the broker thread exited; starting it again'),
  ]);
  logged.mockRestore();
  await producer.send({ topic: 'restarts', acks: -1, messages: [{ value: 'after' }] });

  const consumer = kafka.consumer({ groupId: 'restarts-reader', maxWaitTimeInMs: 200 });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'restarts', fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
  await waitFor(() => seen.length >= 2, 'both messages');
  expect(seen.sort()).toEqual(['after', 'before']);
  await consumer.disconnect();
  await producer.disconnect();
});
