/** The group membership protocol, driven directly with short timeouts (waits for events, no timed assertions). */
import { Group, type JoinRequest } from '../../../local/broker/groups/group';

const request = (memberId = '', timeouts = 200): JoinRequest => ({
  memberId,
  clientId: 'unit',
  clientHost: '/127.0.0.1',
  sessionTimeoutMs: timeouts,
  rebalanceTimeoutMs: timeouts,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: Buffer.from([1]) }],
});

let group: Group;
beforeEach(() => (group = new Group()));
afterEach(() => group.close());

it('a lone member becomes leader, syncs its assignment and is Stable', async () => {
  const joined = await group.join(request());
  expect(joined).toMatchObject({ error: 0, generationId: 1, protocolName: 'range', leader: joined.memberId });
  expect(joined.members).toHaveLength(1);
  const synced = await group.sync(1, joined.memberId, [{ memberId: joined.memberId, assignment: Buffer.from('all') }]);
  expect(synced.assignment.toString()).toBe('all');
  expect(group.state).toBe('Stable');
  expect(group.heartbeat(1, joined.memberId)).toBe(0);
  expect(group.heartbeat(0, joined.memberId)).toBe(22);
  expect(group.heartbeat(1, 'stranger')).toBe(25);
});

it('a second member starts a rebalance: heartbeat says 27, both rejoin, the follower waits for the leader', async () => {
  const a = await group.join(request('', 5000));
  await group.sync(1, a.memberId, [{ memberId: a.memberId, assignment: Buffer.from('a') }]);
  const bJoin = group.join(request('', 5000));
  expect(group.heartbeat(1, a.memberId)).toBe(27);
  // As in Kafka: a member of the current generation may commit what it consumed while the group prepares the rebalance.
  expect(group.state).toBe('PreparingRebalance');
  expect(group.canCommit(1, a.memberId)).toBe(0);
  const [aAgain, b] = await Promise.all([group.join(request(a.memberId, 5000)), bJoin]);
  // Between the join and the leader's assignment (Kafka's CompletingRebalance) commits wait.
  expect(group.state).toBe('AwaitingSync');
  expect(group.canCommit(2, b.memberId)).toBe(27);
  expect(group.canCommit(1, a.memberId)).toBe(22);
  expect(aAgain).toMatchObject({ generationId: 2, leader: a.memberId });
  expect(aAgain.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
  expect(b.members).toEqual([]);
  const followerSync = group.sync(2, b.memberId, []);
  await group.sync(2, a.memberId, [
    { memberId: a.memberId, assignment: Buffer.from('x') },
    { memberId: b.memberId, assignment: Buffer.from('y') },
  ]);
  expect((await followerSync).assignment.toString()).toBe('y');
  expect(group.canCommit(2, b.memberId)).toBe(0);
  expect(group.canCommit(-1, '')).toBe(0);
});

it('drops a member that stops heartbeating (session expiry) and one that does not rejoin in time', async () => {
  const a = await group.join(request('', 100));
  await group.sync(1, a.memberId, []);
  // a never heartbeats again: a newcomer's join completes without it once the rebalance timeout passes.
  const b = await group.join(request('', 100));
  expect(b).toMatchObject({ error: 0, generationId: 2, leader: b.memberId });
  expect(b.members.map((m) => m.memberId)).toEqual([b.memberId]);
  expect(group.heartbeat(2, a.memberId)).toBe(25);
  await group.sync(2, b.memberId, []);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(group.heartbeat(2, b.memberId)).toBe(25);
  expect(group.state).toBe('Empty');
});

it('a leave rebalances the rest', async () => {
  const a = await group.join(request('', 5000));
  const bJoin = group.join(request('', 5000));
  const [, b] = await Promise.all([group.join(request(a.memberId, 5000)), bJoin]);
  expect(group.leave(b.memberId)).toBe(0);
  expect(group.state).toBe('PreparingRebalance');
  const again = await group.join(request(a.memberId, 5000));
  expect(again).toMatchObject({ generationId: 3, leader: a.memberId });
  expect(again.members).toHaveLength(1);
  expect(group.leave('stranger')).toBe(25);
});
