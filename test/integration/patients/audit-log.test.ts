/**
 * The audit trail's table against DynamoDB Local: one PutItem per entry, found by patient, by user and
 * across the system (write shards merged newest first), with each filter and paging.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../../../functions/commons/clients/dynamo';
import { DynamoAuditLog } from '../../../functions/patients/adapters/dynamo-audit-log';
import type { AuditOutcome } from '../../../functions/patients/domain/errors';
import type { AuditQuery, AuditRecord, StoredAuditRecord } from '../../../functions/patients/ports';
import { useLocalTables } from '../../support/tables';

const SHARDS = 4;
const ALL: AuditOutcome[] = [
  'SUCCESS',
  'REPLAYED',
  'DENIED',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'INVALID',
  'ERROR',
];
let log: DynamoAuditLog;
let table: string;
const written: AuditRecord[] = [];
const patients = [randomUUID(), randomUUID(), randomUUID()];
const users = ['u-ann', 'u-bob', 'u-cy'];
const actions = ['READ', 'UPDATE', 'LIST', 'DELETE'] as const;
const outcomes: AuditOutcome[] = ['SUCCESS', 'DENIED', 'NOT_FOUND', 'SUCCESS'];

beforeAll(async () => {
  table = (await useLocalTables()).audit;
  log = new DynamoAuditLog(dynamoClient(), table, SHARDS);
  // 60 entries one second apart, in shuffled order of writing; lists name no patient.
  const base = Date.parse('2026-04-01T00:00:00.000Z');
  const records = Array.from({ length: 60 }, (_, i): AuditRecord => {
    const action = actions[i % 4]!;
    return {
      action,
      outcome: outcomes[i % 4]!,
      userId: users[i % 3]!,
      role: 'admin',
      requestId: `req-${i}`,
      at: new Date(base + i * 1000).toISOString(),
      ...(action === 'LIST' ? { patientIds: [patients[0]!] } : { patientId: patients[i % 3]! }),
    };
  });
  for (const r of [...records].sort(() => Math.random() - 0.5)) await log.append(r);
  written.push(...records);
});

/** Every entry a query finds, page by page. */
async function all(query: Omit<AuditQuery, 'limit' | 'before'>, limit = 7): Promise<StoredAuditRecord[]> {
  const found: StoredAuditRecord[] = [];
  let before: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await log.page({ ...query, limit, before });
    expect(page.records.length).toBeLessThanOrEqual(limit);
    found.push(...page.records);
    if (page.next === null) return found;
    before = page.next;
  }
  throw new Error('paging did not end');
}

const newestFirst = (records: AuditRecord[]) =>
  [...records].sort((a, b) => (a.at < b.at ? 1 : -1)).map((r) => r.requestId);

it('writes one item per entry, with no copies: by patient, by user and by shard it is the same item', async () => {
  const { Items } = await dynamoClient().send(
    new QueryCommand({
      TableName: table,
      IndexName: 'actor',
      KeyConditionExpression: 'actorPk = :a',
      ExpressionAttributeValues: { ':a': 'ACTOR#u-ann' },
    }),
  );
  expect(Items).toHaveLength(20);
  const shards = new Set((Items ?? []).map((i) => i.recentPk));
  expect(shards.size).toBeGreaterThan(1);
  for (const item of Items ?? []) expect(item.pk).toMatch(item.action === 'LIST' ? /^ENTRY#/ : /^PATIENT#/);
});

it('lists every entry newest first across the shards, page after page, each once', async () => {
  const found = await all({ outcomes: ALL });
  expect(found.map((r) => r.requestId)).toEqual(newestFirst(written));
  expect(new Set(found.map((r) => r.id)).size).toBe(60);
  expect(found[0]).toEqual({
    id: expect.any(String),
    at: '2026-04-01T00:00:59.000Z',
    action: 'DELETE',
    outcome: 'SUCCESS',
    userId: 'u-cy',
    role: 'admin',
    requestId: 'req-59',
    patientId: patients[59 % 3],
  });
});

it.each([
  ['patient', { patientId: patients[1] }, (r: AuditRecord) => r.patientId === patients[1]],
  ['user', { actorId: 'u-bob' }, (r: AuditRecord) => r.userId === 'u-bob'],
  [
    'patient and user',
    { patientId: patients[0], actorId: 'u-ann' },
    (r: AuditRecord) => r.patientId === patients[0] && r.userId === 'u-ann',
  ],
  ['action', { action: 'UPDATE' as const }, (r: AuditRecord) => r.action === 'UPDATE'],
  [
    'user and action',
    { actorId: 'u-cy', action: 'DELETE' as const },
    (r: AuditRecord) => r.userId === 'u-cy' && r.action === 'DELETE',
  ],
  [
    'time range',
    { from: '2026-04-01T00:00:10.000Z', to: '2026-04-01T00:00:20.000Z' },
    (r: AuditRecord) => r.at >= '2026-04-01T00:00:10.000Z' && r.at <= '2026-04-01T00:00:20.000Z',
  ],
  [
    'patient and time range',
    { patientId: patients[2], from: '2026-04-01T00:00:30.000Z' },
    (r: AuditRecord) => r.patientId === patients[2] && r.at >= '2026-04-01T00:00:30.000Z',
  ],
])('filters by %s', async (_name, filter, expected) => {
  for (const limit of [3, 100]) {
    const found = await all({ outcomes: ALL, ...filter }, limit);
    expect(found.map((r) => r.requestId)).toEqual(newestFirst(written.filter(expected)));
  }
});

it('returns only the outcomes asked for', async () => {
  const found = await all({ outcomes: ['DENIED', 'SUCCESS'] }, 5);
  expect(found.map((r) => r.requestId)).toEqual(
    newestFirst(written.filter((r) => r.outcome === 'DENIED' || r.outcome === 'SUCCESS')),
  );
});

it('answers an empty range and an unknown patient with one empty last page', async () => {
  expect(await log.page({ outcomes: ALL, limit: 5, from: '2027-01-01T00:00:00.000Z' })).toEqual({
    records: [],
    next: null,
  });
  expect(
    await log.page({ outcomes: ALL, limit: 5, from: '2026-04-02T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' }),
  ).toEqual({ records: [], next: null });
  expect(await log.page({ outcomes: ALL, limit: 5, patientId: randomUUID() })).toEqual({ records: [], next: null });
});
