/** Debian's kcat (librdkafka 2.0) against the local broker: a real client no one here wrote. Fails if kcat is missing. */
import { spawn } from 'node:child_process';
import type { Broker } from '../../../local/broker';
import { waitFor } from '../../support/wait';
import { kafkaFor, kcat, startTestBroker, tempDataDir } from './support';

jest.setTimeout(90_000);

let broker: Broker;
let bootstrap: string;
const dataDir = tempDataDir();

beforeAll(async () => {
  broker = await startTestBroker(dataDir.path);
  bootstrap = `${broker.host}:${broker.port}`;
});

afterAll(async () => {
  await broker.stop();
  dataDir.remove();
});

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

it('kcat is installed (the other kcat tests are meaningless without it)', async () => {
  const result = await kcat(['-V']);
  expect(result.code).toBe(0);
  expect(result.stdout + result.stderr).toMatch(/librdkafka/);
});

it('kcat -L lists the broker as controller and the topics with their partitions', async () => {
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'listed', numPartitions: 2 }] });
  await admin.disconnect();
  const result = await kcat(['-b', bootstrap, '-L']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`broker 1 at ${bootstrap} (controller)`);
  expect(result.stdout).toMatch(/topic "listed" with 2 partitions/);
});

it('kcat -P then kcat -C -e reads back every message', async () => {
  const produced = await kcat(['-b', bootstrap, '-P', '-t', 'kcat-plain', '-K', ':'], 'k1:one\nk2:two\nk3:three\n');
  expect(produced.code).toBe(0);
  const consumed = await kcat(['-b', bootstrap, '-C', '-t', 'kcat-plain', '-e', '-q', '-f', '%k=%s\\n']);
  expect(consumed.code).toBe(0);
  expect(lines(consumed.stdout).sort()).toEqual(['k1=one', 'k2=two', 'k3=three']);
});

it('kcat -P -z gzip with enable.idempotence=true stores messages that kafkajs reads', async () => {
  const values = Array.from({ length: 50 }, (_, i) => `gz-${i}`);
  const produced = await kcat(
    ['-b', bootstrap, '-P', '-t', 'kcat-gzip', '-z', 'gzip', '-X', 'enable.idempotence=true'],
    `${values.join('\n')}\n`,
  );
  expect(produced.stderr).not.toMatch(/error/i);
  expect(produced.code).toBe(0);

  const consumer = kafkaFor(broker).consumer({ groupId: 'gzip-reader', maxWaitTimeInMs: 200 });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'kcat-gzip', fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
  await waitFor(() => seen.length >= 50, '50 gzip messages');
  await consumer.disconnect();
  expect(seen.sort()).toEqual([...values].sort());
});

it('kcat -G consumes as a group, commits, and a second run of the group reads only newer messages', async () => {
  await kcat(['-b', bootstrap, '-P', '-t', 'kcat-group'], 'g1\ng2\ng3\ng4\n');
  const group = [
    '-b',
    bootstrap,
    '-G',
    'kcat-consumers',
    '-X',
    'auto.offset.reset=earliest',
    '-e',
    '-q',
    '-f',
    '%s\\n',
    'kcat-group',
  ];
  const first = await kcat(group);
  expect(first.code).toBe(0);
  expect(lines(first.stdout).sort()).toEqual(['g1', 'g2', 'g3', 'g4']);

  const admin = kafkaFor(broker).admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId: 'kcat-consumers', topics: ['kcat-group'] });
  await admin.disconnect();
  const total = committed!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  expect(total).toBe(4);

  await kcat(['-b', bootstrap, '-P', '-t', 'kcat-group'], 'g5\n');
  const second = await kcat(group);
  expect(second.code).toBe(0);
  expect(lines(second.stdout)).toEqual(['g5']);
});

it('kcat -G: what a member commits when a newcomer starts a rebalance is kept, so nothing is delivered again', async () => {
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'kcat-handover', numPartitions: 1 }] });
  await kcat(['-b', bootstrap, '-P', '-t', 'kcat-handover'], 'k0\nk1\nk2\n');
  // No periodic commits: the only commit is librdkafka's own when the rebalance revokes the partition,
  // which it sends while the group prepares the rebalance (the newcomer's JoinGroup waits for it).
  const member = (name: string) => {
    const child = spawn(
      'kcat',
      [
        '-b',
        bootstrap,
        '-G',
        'kcat-handover-group',
        '-X',
        'auto.offset.reset=earliest',
        '-X',
        'auto.commit.interval.ms=600000',
        '-X',
        'heartbeat.interval.ms=200',
        '-u',
        '-q',
        '-f',
        `${name} %s\\n`,
        'kcat-handover',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return { read: () => lines(out), stop: () => child.kill('SIGKILL') };
  };
  const members = [member('A')];
  try {
    await waitFor(() => members[0]!.read().length === 3, 'member A to read k0..k2');
    members.push(member('B'));
    await waitFor(async () => {
      const [group] = (await admin.describeGroups(['kcat-handover-group'])).groups;
      return group?.state === 'Stable' && group.members.length === 2;
    }, 'the rebalance to two members to complete');
    await kcat(['-b', bootstrap, '-P', '-t', 'kcat-handover'], 'k3\n');
    const values = () => members.flatMap((m) => m.read()).map((line) => line.split(' ')[1]);
    await waitFor(() => values().includes('k3'), "the partition's owner after the rebalance to read k3");
    expect(values().sort()).toEqual(['k0', 'k1', 'k2', 'k3']); // whoever owns it now resumed at the commit
  } finally {
    members.forEach((m) => m.stop());
    await admin.disconnect();
  }
});
