/**
 * The audit trail's keys (one item per entry, three ways to find it, the system-wide index spread over
 * write shards) and the merged newest-first pages over several partitions: every entry exactly once, in
 * order, across pages, also when a filter drops most entries and pages are cut short.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditItem, auditShards, fromAuditItem, shardOf } from '../../../functions/patients/adapters/audit-items';
import { HIGHEST, justBelow, mergedPage } from '../../../functions/patients/adapters/merged-query';
import type { AuditRecord } from '../../../functions/patients/ports';

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  action: 'READ',
  outcome: 'SUCCESS',
  userId: 'u-1',
  role: 'clinician',
  requestId: 'r-1',
  at: '2026-05-01T10:00:00.000Z',
  ...over,
});

describe('audit keys', () => {
  it('keys an entry by its patient, its user and a write shard, all ordered by time then id', () => {
    const id = '0000000a-0000-4000-8000-000000000000';
    expect(auditItem(record({ patientId: 'p-1' }), id, 8)).toEqual({
      pk: 'PATIENT#p-1',
      sk: `2026-05-01T10:00:00.000Z#${id}`,
      actorPk: 'ACTOR#u-1',
      recentPk: 'AUDIT#2',
      auditId: id,
      at: '2026-05-01T10:00:00.000Z',
      action: 'READ',
      outcome: 'SUCCESS',
      userId: 'u-1',
      role: 'clinician',
      requestId: 'r-1',
      patientId: 'p-1',
    });
  });

  it('keys an entry that names no patient (a list) by its own id, and keeps the ids a list returned', () => {
    const item = auditItem(
      record({ action: 'LIST', patientIds: ['p-1', 'p-2'] }),
      'ffffffff-0000-4000-8000-000000000000',
      16,
    );
    expect(item).toMatchObject({
      pk: 'ENTRY#ffffffff-0000-4000-8000-000000000000',
      recentPk: 'AUDIT#15',
      patientIds: ['p-1', 'p-2'],
      resultCount: 2,
    });
    expect(item).not.toHaveProperty('patientId');
    expect(fromAuditItem(item)).toEqual({
      id: 'ffffffff-0000-4000-8000-000000000000',
      at: '2026-05-01T10:00:00.000Z',
      action: 'LIST',
      outcome: 'SUCCESS',
      userId: 'u-1',
      role: 'clinician',
      requestId: 'r-1',
    });
  });

  it('spreads entries evenly over the shards (random ids), each shard in range', () => {
    const shards = 16;
    const counts = new Array<number>(shards).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf(randomUUID(), shards)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
    for (const count of counts) expect(count).toBeLessThan(1200);
  });

  it('reads the shard count from AUDIT_SHARDS, 8 by default', () => {
    expect(auditShards({})).toBe(8);
    expect(auditShards({ AUDIT_SHARDS: '128' })).toBe(128);
  });

  it('a position just below a sort key excludes it and nothing below it', () => {
    const sk = '2026-05-01T10:00:00.000Z#0a1b';
    const below = justBelow(sk);
    expect(below < sk).toBe(true);
    for (const lower of [
      '2026-05-01T10:00:00.000Z#0a1a',
      '2026-05-01T10:00:00.000Z#0a1a-f',
      '2026-05-01T09:59:59.999Z#ffff',
      '2026-05-01T10:00:00.000Z#0a1',
    ]) {
      expect(lower <= below).toBe(true);
    }
    expect(HIGHEST > 'f').toBe(true);
  });
});

/** A stand-in for DynamoDB's Query over partitions held in memory: key range, Limit before the filter, ExclusiveStartKey. */
function fakeDb(partitions: Map<string, string[]>, keep: (sk: string) => boolean) {
  return {
    send: async (command: { input: QueryCommandInput }) => {
      const input = command.input;
      const values = input.ExpressionAttributeValues as Record<string, string>;
      const all = (partitions.get(values[':pk']!) ?? [])
        .filter((sk) => sk <= values[':hi']!)
        .sort()
        .reverse();
      const from = input.ExclusiveStartKey ? all.indexOf(String(input.ExclusiveStartKey.sk)) + 1 : 0;
      const evaluated = all.slice(from, from + input.Limit!);
      const more = from + evaluated.length < all.length;
      return {
        Items: evaluated.filter(keep).map((sk) => ({ sk })),
        LastEvaluatedKey: more ? { pk: values[':pk'], sk: evaluated[evaluated.length - 1] } : undefined,
      };
    },
  } as unknown as DynamoDBDocumentClient;
}

/** Pages through the partitions as the audit log does: each page resumes just below the last position. */
async function everyPage(partitions: Map<string, string[]>, keep: (sk: string) => boolean, limit: number) {
  const db = fakeDb(partitions, keep);
  const pages: string[][] = [];
  let before: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const hi = before ? justBelow(before) : HIGHEST;
    const inputs = [...partitions.keys()].map((pk) => ({
      TableName: 't',
      ExpressionAttributeValues: { ':pk': pk, ':hi': hi },
    }));
    const { items, next } = await mergedPage(db, inputs, limit);
    expect(items.length).toBeLessThanOrEqual(limit);
    pages.push(items.map((i) => String(i.sk)));
    if (next === null) return pages;
    expect(before === undefined || next < before).toBe(true);
    before = next;
  }
  throw new Error('paging did not end');
}

describe('merged pages over write shards', () => {
  const times = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `2026-05-01T10:00:${String(Math.floor(i / 1000)).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z#${randomUUID()}`,
    );

  function spread(sks: string[], shards: number): Map<string, string[]> {
    const partitions = new Map<string, string[]>(Array.from({ length: shards }, (_, s) => [`AUDIT#${s}`, []]));
    for (const sk of sks) partitions.get(`AUDIT#${shardOf(sk.split('#')[1]!, shards)}`)!.push(sk);
    return partitions;
  }

  it.each([
    [1, 5],
    [4, 7],
    [16, 20],
    [16, 1],
  ])('%i shards, pages of %i: every entry once, newest first', async (shards, limit) => {
    const sks = times(150);
    const pages = await everyPage(spread(sks, shards), () => true, limit);
    const all = pages.flat();
    expect(all).toEqual([...sks].sort().reverse());
    expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
  });

  it('with a filter that keeps 1 in 300, pages cut short by the round limit still give every match once, in order', async () => {
    const sks = times(6000);
    const kept = new Set(sks.filter((_, i) => i % 300 === 0));
    const keep = (sk: string) => kept.has(sk);
    const pages = await everyPage(spread(sks, 8), keep, 10);
    expect(pages.flat()).toEqual(sks.filter(keep).sort().reverse());
    expect(pages.some((p) => p.length < 10 && p !== pages[pages.length - 1])).toBe(true);
  });

  it('empty partitions and an empty index give one empty last page', async () => {
    const pages = await everyPage(spread([], 4), () => true, 5);
    expect(pages).toEqual([[]]);
  });
});
