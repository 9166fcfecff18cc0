/** kafkajs consumer groups against the local broker: commit and resume, a two-member rebalance, commits during a rebalance, leave. */
import type { Consumer, Kafka } from 'kafkajs';
import type { Broker } from '../../../local/broker';
import { waitFor } from '../../support/wait';
import { kafkaFor, startTestBroker, tempDataDir } from './support';

jest.setTimeout(90_000);

let broker: Broker;
let kafka: Kafka;
const dataDir = tempDataDir();
const consumers: Consumer[] = [];

beforeAll(async () => {
  broker = await startTestBroker(dataDir.path);
  kafka = kafkaFor(broker);
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.disconnect()));
});

afterAll(async () => {
  await broker.stop();
  dataDir.remove();
});

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions }] });
  await admin.disconnect();
}

async function produce(topic: string, messages: { partition: number; value: string }[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

function consumerOf(groupId: string): Consumer {
  const consumer = kafka.consumer({
    groupId,
    heartbeatInterval: 300,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    maxWaitTimeInMs: 200,
  });
  consumers.push(consumer);
  return consumer;
}

interface Seen {
  partition: number;
  offset: number;
  value: string;
}

async function run(consumer: Consumer, topic: string, seen: Seen[]): Promise<{ assignment: () => number[] }> {
  let assignment: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assignment = [...(event.payload.memberAssignment[topic] ?? [])].sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({ partition, offset: Number(message.offset), value: message.value?.toString() ?? '' });
    },
  });
  return { assignment: () => assignment };
}

it('joins, consumes, commits, and a restarted consumer resumes after the committed offsets', async () => {
  await createTopic('resume', 2);
  await produce(
    'resume',
    [0, 1, 2, 3, 4, 5].map((i) => ({ partition: i % 2, value: `old-${i}` })),
  );

  const firstSeen: Seen[] = [];
  const first = consumerOf('resumers');
  await run(first, 'resume', firstSeen);
  await waitFor(() => firstSeen.length >= 6, 'the first consumer to read 6 messages');
  await first.disconnect();
  expect(firstSeen.map((m) => m.value).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `old-${i}`).sort());

  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId: 'resumers', topics: ['resume'] });
  await admin.disconnect();
  expect(committed?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
    [0, '3'],
    [1, '3'],
  ]);

  await produce(
    'resume',
    [6, 7, 8, 9].map((i) => ({ partition: i % 2, value: `new-${i}` })),
  );
  const secondSeen: Seen[] = [];
  await run(consumerOf('resumers'), 'resume', secondSeen);
  await waitFor(() => secondSeen.length >= 4, 'the restarted consumer to read 4 messages');
  // Had it started from 0, the old messages (lower offsets) would have come first on each partition.
  expect(
    secondSeen
      .slice(0, 4)
      .map((m) => m.value)
      .sort(),
  ).toEqual(['new-6', 'new-7', 'new-8', 'new-9']);
  expect(secondSeen.every((m) => m.offset >= 3)).toBe(true);
});

it('rebalances two members so both get partitions and every message is consumed once; a leave hands all back', async () => {
  await createTopic('shared', 4);
  const seenA: Seen[] = [];
  const seenB: Seen[] = [];
  const a = await run(consumerOf('pair'), 'shared', seenA);
  await waitFor(() => a.assignment().length === 4, 'the first member to own all 4 partitions');

  const consumerB = consumerOf('pair');
  const b = await run(consumerB, 'shared', seenB);
  await waitFor(() => {
    const both = [...a.assignment(), ...b.assignment()].sort();
    return a.assignment().length > 0 && b.assignment().length > 0 && both.join() === '0,1,2,3';
  }, 'both members to share the 4 partitions');

  await produce(
    'shared',
    Array.from({ length: 40 }, (_, i) => ({ partition: i % 4, value: `m-${i}` })),
  );
  await waitFor(() => seenA.length + seenB.length >= 40, '40 messages across the two members');
  expect(seenA.length).toBeGreaterThan(0);
  expect(seenB.length).toBeGreaterThan(0);
  const values = [...seenA, ...seenB].map((m) => m.value);
  expect(values).toHaveLength(40);
  expect(new Set(values).size).toBe(40);
  expect(new Set(seenA.map((m) => m.partition))).toEqual(new Set(a.assignment()));

  await consumerB.disconnect();
  await waitFor(() => a.assignment().length === 4, 'the remaining member to own all 4 partitions again');
  await produce(
    'shared',
    [0, 1, 2, 3].map((partition) => ({ partition, value: `after-leave-${partition}` })),
  );
  await waitFor(
    () => seenA.filter((m) => m.value.startsWith('after-leave')).length === 4,
    'the remaining member to read every partition',
  );
});

it('keeps what a member commits while the group prepares a rebalance: after it, reading resumes there, nothing is delivered again', async () => {
  await createTopic('handover', 1);
  await produce(
    'handover',
    [0, 1, 2].map((i) => ({ partition: 0, value: `h-${i}` })),
  );
  const admin = kafka.admin();
  await admin.connect();
  const state = async () => (await admin.describeGroups(['handover-group'])).groups[0]?.state;

  // Member A holds its first message until member B's JoinGroup has put the group into PreparingRebalance.
  // kafkajs then heartbeats, hears 27, and commits the offset it resolved (runner.heartbeat → autoCommitOffsets)
  // before it rejoins: a commit Apache Kafka accepts in that state.
  const seen: Seen[] = [];
  let releaseA!: () => void;
  const aHolds = new Promise<void>((resolve) => (releaseA = resolve));
  let held = false;
  const a = consumerOf('handover-group');
  await a.connect();
  await a.subscribe({ topic: 'handover', fromBeginning: true });
  await a.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({ partition, offset: Number(message.offset), value: message.value?.toString() ?? '' });
      if (!held) {
        held = true;
        await aHolds;
      }
    },
  });
  try {
    await waitFor(() => held, 'member A to hold its first message');
    const bJoined = run(consumerOf('handover-group'), 'handover', seen); // resolves once B is in the group, i.e. after A rejoined
    await waitFor(async () => (await state()) === 'PreparingRebalance', 'member B to start a rebalance');
    releaseA();
    await bJoined;
  } finally {
    releaseA();
  }

  const committed = async () =>
    (await admin.fetchOffsets({ groupId: 'handover-group', topics: ['handover'] }))[0]?.partitions[0]?.offset;
  await waitFor(
    async () => (await committed()) === '3',
    'the whole partition to be read and committed after the rebalance',
  );
  await admin.disconnect();
  expect(seen.map((m) => m.value)).toEqual(['h-0', 'h-1', 'h-2']); // h-0 once: the commit made during the rebalance was kept
});

it('describes a running group as Stable with its members', async () => {
  await createTopic('described', 1);
  const member = await run(consumerOf('describe-me'), 'described', []);
  await waitFor(() => member.assignment().length === 1, 'the member to be assigned');
  const admin = kafka.admin();
  await admin.connect();
  const { groups } = await admin.describeGroups(['describe-me', 'nobody']);
  await admin.disconnect();
  expect(groups[0]).toMatchObject({
    groupId: 'describe-me',
    state: 'Stable',
    protocolType: 'consumer',
    protocol: 'RoundRobinAssigner',
  });
  expect(groups[0]?.members).toHaveLength(1);
  expect(groups[1]).toMatchObject({ groupId: 'nobody', state: 'Dead' });
});
