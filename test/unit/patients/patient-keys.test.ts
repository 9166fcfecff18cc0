/**
 * The patients table's write-sharded index keys: a patient's items land in one shard per index, the
 * shards of N sample patients are even (no partition key above ~1/N of the writes, whatever the state or
 * initial), and merged pages in ascending order (the listing's) give every item once, in DynamoDB's order
 * (UTF-8 bytes), across pages that resume from a position, with a filter and when cut short.
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { compareSortKeys, mergedPage } from '../../../functions/patients/adapters/merged-query';
import {
  DEFAULT_PATIENT_SHARDS,
  patientItem,
  patientShard,
  patientShards,
  searchItems,
} from '../../../functions/patients/adapters/patient-items';
import { newPatient, type PatientRecord } from '../../../functions/patients/domain/patient';

/** Sequential ids (the hash must spread them too), one state, one initial: the worst case for unsharded keys. */
function samplePatients(n: number): PatientRecord[] {
  return Array.from({ length: n }, (_, i) =>
    newPatient(
      {
        firstName: `Jo${i}`,
        lastName: `Jones${i}`,
        email: `j${i}@example.com`,
        dateOfBirth: '1980-01-01',
        address: { street: '1 St', city: 'LA', state: 'CA', zipCode: '1' },
      },
      `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      new Date(Date.UTC(2026, 0, 1) + i),
    ),
  );
}

function counts(keys: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const key of keys) map.set(key, (map.get(key) ?? 0) + 1);
  return map;
}

/** Every one of `shards` keys is used, none above its 1/N share by more than `slack` (nor below by as much). */
function expectEvenSpread(keys: string[], shards: number, slack: number) {
  const byKey = counts(keys);
  expect(byKey.size).toBe(shards);
  const share = keys.length / shards;
  for (const count of byKey.values()) {
    expect(count).toBeLessThan(share * (1 + slack));
    expect(count).toBeGreaterThan(share * (1 - slack));
  }
}

describe('sharded index keys', () => {
  const patients = samplePatients(32_000);
  const shards = DEFAULT_PATIENT_SHARDS;

  it('the listing (gsi1) and one state (gsi2) spread over the list shards, ~1/N each', () => {
    const items = patients.map((p) => patientItem(p));
    const lists = items.map((item) => String(item.gsi1pk));
    const states = items.map((item) => String(item.gsi2pk));
    expect(lists.every((key) => /^PATIENTS#\d+$/.test(key))).toBe(true);
    expect(states.every((key) => /^STATE#CA#\d+$/.test(key))).toBe(true);
    expectEvenSpread(lists, shards.list, 0.15);
    expectEvenSpread(states, shards.list, 0.15);
    // One patient: its listing and state keys name the same shard.
    for (const item of items.slice(0, 100)) {
      expect(String(item.gsi1pk).split('#')[1]).toBe(String(item.gsi2pk).split('#')[2]);
    }
  });

  it("search entries of one initial spread over the search shards; a patient's three entries share one", () => {
    const entries = patients.flatMap((p) => searchItems(p));
    expect(new Set(entries.map((e) => e.gsi1pk.split('#')[1]))).toEqual(new Set(['j']));
    expectEvenSpread(
      entries.map((e) => e.gsi1pk),
      shards.search,
      0.2,
    );
    for (const p of patients.slice(0, 100)) {
      const keys = new Set(searchItems(p).map((e) => e.gsi1pk));
      expect(keys).toEqual(new Set([`SEARCH#j#${patientShard(p.id, shards.search)}`]));
    }
  });

  it('the builders take other shard counts, and a shard is always in range', () => {
    const p = patients[7]!;
    expect(patientItem(p, { list: 1, search: 1 })).toMatchObject({ gsi1pk: 'PATIENTS#0', gsi2pk: 'STATE#CA#0' });
    expect(searchItems(p, { list: 1, search: 1 }).map((e) => e.gsi1pk)).toEqual(Array(3).fill('SEARCH#j#0'));
    for (const id of ['id-1', '', 'ü', patients[0]!.id]) {
      for (const n of [1, 3, 64]) expect(patientShard(id, n)).toBeGreaterThanOrEqual(0);
      expect(patientShard(id, 3)).toBeLessThan(3);
    }
  });

  it('reads the counts from PATIENT_LIST_SHARDS and PATIENT_SEARCH_SHARDS, 32 and 64 by default', () => {
    expect(patientShards({})).toEqual({ list: 32, search: 64 });
    expect(patientShards({ PATIENT_LIST_SHARDS: '48', PATIENT_SEARCH_SHARDS: '96' })).toEqual({ list: 48, search: 96 });
    for (const bad of ['0', '-1', '1.5', 'x', '2000']) {
      expect(() => patientShards({ PATIENT_LIST_SHARDS: bad })).toThrow('PATIENT_LIST_SHARDS');
    }
  });
});

describe('sort key order', () => {
  it('compares like DynamoDB: by UTF-8 bytes, also where UTF-16 code units disagree', () => {
    const keys = ['a', 'ab', 'a#', 'z', '\u00e9', '\uff21', '\u{1f600}', '\u{10000}x', '~', 'A', ''];
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...keys].sort(compareSortKeys)).toEqual(byBytes);
    // JavaScript's own order puts U+FF21 above the emoji; DynamoDB does not.
    expect(compareSortKeys('\uff21', '\u{1f600}')).toBeLessThan(0);
    expect('\uff21' > '\u{1f600}').toBe(true);
  });
});

/**
 * DynamoDB's Query over partitions held in memory, ascending by UTF-8 bytes: Limit before the filter,
 * an ExclusiveStartKey that is any position (the item need not exist in the partition).
 */
function fakeDb(partitions: Map<string, string[]>) {
  const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  let queries = 0;
  const db = {
    send: async (command: { input: QueryCommandInput }) => {
      queries++;
      const input = command.input;
      expect(input.ScanIndexForward).toBe(true);
      const pk = String((input.ExpressionAttributeValues as Record<string, string>)[':p']);
      const all = [...(partitions.get(pk) ?? [])].sort(bytes);
      const start = input.ExclusiveStartKey;
      if (start) expect(start.gsi1pk).toBe(pk);
      const from = start ? all.filter((sk) => bytes(sk, String(start.gsi1sk)) <= 0).length : 0;
      const evaluated = all.slice(from, from + input.Limit!);
      const more = from + evaluated.length < all.length;
      const item = (sk: string) => ({ gsi1pk: pk, gsi1sk: sk });
      return {
        Items: evaluated.map(item),
        LastEvaluatedKey: more ? item(evaluated[evaluated.length - 1]!) : undefined,
      };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, queries: () => queries };
}

/** Pages through the partitions as the patient repository does: each page resumes every partition after its position. */
async function everyPage(partitions: Map<string, string[]>, limit: number, accept?: (sk: string) => boolean) {
  const { db } = fakeDb(partitions);
  const pages: string[][] = [];
  let position: Record<string, unknown> | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const inputs: QueryCommandInput[] = [...partitions.keys()].map((pk) => ({
      TableName: 't',
      ExpressionAttributeValues: { ':p': pk },
      ExclusiveStartKey: position ? { ...position, gsi1pk: pk } : undefined,
    }));
    const page = await mergedPage(db, inputs, limit, {
      sortKey: 'gsi1sk',
      ascending: true,
      accept: accept && ((item) => accept(String(item.gsi1sk))),
    });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items.map((i) => String(i.gsi1sk)));
    if (page.nextKey === null) return pages;
    expect(page.next).toBe(page.nextKey.gsi1sk);
    position = page.nextKey;
  }
  throw new Error('paging did not end');
}

describe('merged ascending pages over write shards', () => {
  const ids = samplePatients(400).map((p) => p.id);
  const names = ['anna', 'ánna', 'ｆull', '😀', 'bob', 'a#b', 'zed', 'Ω'];
  const keys = ids.map((id, i) => `${names[i % names.length]}${i % 7}#first#${id}`);

  function spread(sks: string[], shards: number) {
    const partitions = new Map<string, string[]>(Array.from({ length: shards }, (_, s) => [`SEARCH#x#${s}`, []]));
    for (const sk of sks) partitions.get(`SEARCH#x#${patientShard(sk.split('#').at(-1)!, shards)}`)!.push(sk);
    return partitions;
  }
  const inByteOrder = (sks: string[]) => [...sks].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

  it.each([
    [1, 7],
    [4, 7],
    [32, 20],
    [64, 1],
    [64, 100],
  ])('%i shards, pages of %i: every item once, lowest first', async (shards, limit) => {
    const pages = await everyPage(spread(keys, shards), limit);
    expect(pages.flat()).toEqual(inByteOrder(keys));
    expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
  });

  it('with a filter that keeps 1 in 150, pages cut short by the round limit still give every match once, in order', async () => {
    const many = Array.from({ length: 6000 }, (_, i) => `k${String(i).padStart(5, '0')}#${ids[i % ids.length]}-${i}`);
    const kept = new Set(many.filter((_, i) => i % 150 === 0));
    const pages = await everyPage(spread(many, 8), 5, (sk) => kept.has(sk));
    expect(pages.flat()).toEqual(inByteOrder([...kept]));
    expect(pages.some((p) => p.length < 5 && p !== pages[pages.length - 1])).toBe(true);
  });

  it('asks each of N shards for about its share of the page first', async () => {
    const { db, queries } = fakeDb(spread(keys, 32));
    const inputs = Array.from({ length: 32 }, (_, s) => ({
      TableName: 't',
      ExpressionAttributeValues: { ':p': `SEARCH#x#${s}` },
    }));
    const page = await mergedPage(db, inputs, 20, { sortKey: 'gsi1sk', ascending: true });
    expect(page.items).toHaveLength(20);
    expect(queries()).toBeLessThanOrEqual(2 * 32);
  });
});
