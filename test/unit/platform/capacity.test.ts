/** The capacity model's arithmetic (scripts/capacity/): DynamoDB's item-size and unit rules, against hand-computed figures. */
import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MemoryDynamo } from '../../../scripts/capacity/memory-dynamo';
import { familyStatuses } from '../../../scripts/capacity/model';
import type { Operation } from '../../../scripts/capacity/operation';
import { ProfileBuilder } from '../../../scripts/capacity/profile';
import { keyPattern } from '../../../scripts/capacity/keys';
import { itemSize, readUnits, valueSize, writeUnits } from '../../../scripts/capacity/units';
import { tables } from '../../../system/tables';

describe('item sizes', () => {
  it('counts attribute names and string values in UTF-8 bytes', () => {
    // pk (2) + PATIENT#1 (9) + sk (2) + PATIENT (7)
    expect(itemSize({ pk: 'PATIENT#1', sk: 'PATIENT' })).toBe(20);
    // s (1) + é (2 bytes)
    expect(itemSize({ s: 'é' })).toBe(3);
  });

  it('sizes numbers by significant digits: one byte per two, plus one', () => {
    expect(valueSize(123)).toBe(3); // 3 digits → 2 + 1
    expect(valueSize(1000)).toBe(2); // trailing zeros trimmed: 1 digit → 1 + 1
    expect(valueSize(12.5)).toBe(3); // 125 → 2 + 1
    expect(valueSize(0)).toBe(2);
    expect(valueSize(1_714_000_000_123)).toBe(8); // 13 digits → 7 + 1
    expect(itemSize({ n: 123 })).toBe(4);
  });

  it('sizes booleans and null as one byte, lists and maps with 3 bytes plus 1 per element, sets as their elements', () => {
    expect(itemSize({ b: true, z: null })).toBe(4);
    // l (1) + 3 + (1 + 1) + (1 + 2)
    expect(itemSize({ l: ['a', 'bc'] })).toBe(9);
    // m (1) + 3 + (1 + name a 1 + number 1 → 2)
    expect(itemSize({ m: { a: 1 } })).toBe(8);
    // ss (2) + ab (2) + c (1)
    expect(itemSize({ ss: new Set(['ab', 'c']) })).toBe(5);
    expect(itemSize({ skipped: undefined, k: 'v' })).toBe(2);
  });
});

describe('capacity units', () => {
  it('writes take a unit per started KB, at least one, twice in a transaction', () => {
    expect([0, 1, 1024, 1025, 2048, 400 * 1024].map((b) => writeUnits(b))).toEqual([1, 1, 1, 2, 2, 400]);
    expect(writeUnits(1025, { transactional: true })).toBe(4);
    expect(writeUnits(10, { transactional: true })).toBe(2);
  });

  it('reads take a unit per started 4 KB strongly consistent, half eventually consistent, twice in a transaction', () => {
    expect(readUnits(4096, { consistent: true })).toBe(1);
    expect(readUnits(4097, { consistent: true })).toBe(2);
    expect(readUnits(4097)).toBe(1);
    expect(readUnits(0)).toBe(0.5);
    expect(readUnits(4096, { transactional: true })).toBe(2);
  });
});

describe('the metering table', () => {
  // 5 (pk P#1) + 3 (sk S) + 7 (gsi1pk L) + 7 (gsi1sk x) + 3 (pad) + 1,475 = 1,500 bytes: 2 write units.
  const item = (n: number, list = 'L') => ({ pk: `P#${n}`, sk: 'S', gsi1pk: list, gsi1sk: 'x', pad: 'a'.repeat(1475) });

  it('charges a transaction twice on the table and once on each index the item carries', async () => {
    const db = new MemoryDynamo({ patients: tables.patients });
    expect(itemSize(item(1))).toBe(1500);
    const put = await db.measure(() =>
      db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 'patients', Item: item(1) } }] })),
    );
    expect(put.accesses).toEqual([
      { table: 'patients', key: 'P#1', kind: 'write', units: 4 },
      { table: 'patients', index: 'gsi1', key: 'L', kind: 'write', units: 2 },
    ]);
    // Storage: the item and its gsi1 entry, each with 100 bytes of overhead.
    expect(put.storedBytes).toEqual({ patients: 2 * (1500 + 100) });
  });

  it('moves an index entry that changes partition (a delete and a put) and sizes an update on the larger image', async () => {
    const db = new MemoryDynamo({ patients: tables.patients });
    await db.send(new PutCommand({ TableName: 'patients', Item: item(1) }));
    const moved = await db.measure(() =>
      db.send(
        new UpdateCommand({
          TableName: 'patients',
          Key: { pk: 'P#1', sk: 'S' },
          UpdateExpression: 'SET gsi1pk = :to REMOVE pad',
          ExpressionAttributeValues: { ':to': 'M' },
        }),
      ),
    );
    expect(moved.accesses).toEqual([
      { table: 'patients', key: 'P#1', kind: 'write', units: 2 }, // the larger of 1,500 and 22 bytes
      { table: 'patients', index: 'gsi1', key: 'L', kind: 'write', units: 2 }, // the old entry removed
      { table: 'patients', index: 'gsi1', key: 'M', kind: 'write', units: 1 }, // the new one, 22 bytes
    ]);
  });

  it('charges a query the items it read, summed before rounding, half for an index', async () => {
    const db = new MemoryDynamo({ patients: tables.patients });
    for (const n of [1, 2, 3]) await db.send(new PutCommand({ TableName: 'patients', Item: item(n) }));
    const read = await db.measure(() =>
      db.send(
        new QueryCommand({
          TableName: 'patients',
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :l',
          ExpressionAttributeValues: { ':l': 'L' },
          Limit: 2,
        }),
      ),
    );
    // 2 × 1,500 bytes = 3,000 → one 4 KB unit, eventually consistent → 0.5; one more item to read: a next key.
    expect(read.accesses).toEqual([{ table: 'patients', index: 'gsi1', key: 'L', kind: 'read', units: 0.5 }]);
    expect((read.result as { Items: unknown[]; LastEvaluatedKey?: unknown }).Items).toHaveLength(2);
    expect((read.result as { LastEvaluatedKey?: unknown }).LastEvaluatedKey).toBeDefined();
  });
});

describe('key patterns', () => {
  it('names the variable parts of a key', () => {
    expect(keyPattern('PATIENT#0b8f0a56-3c2e-4b7e-9a51-9f3f2b1c7d10')).toBe('PATIENT#<id>');
    expect(keyPattern('STATE#CA')).toBe('STATE#<value>');
    expect(keyPattern('AUDIT#17')).toBe('AUDIT#<n>');
    expect(keyPattern('AGGREGATE#patient#2')).toBe('AGGREGATE#patient#<n>');
    expect(keyPattern('PATIENTS')).toBe('PATIENTS');
  });
});

describe('hot keys', () => {
  const sampleOf = (key: string) => ({
    result: undefined,
    accesses: [{ table: 'audit', index: 'recent', key, kind: 'write' as const, units: 1 }],
    storedBytes: {},
    streamRecords: {},
  });
  const operation = (keys: (i: number) => string, samples = 1000): Operation => {
    const builder = new ProfileBuilder();
    for (let i = 0; i < samples; i++) builder.add(sampleOf(keys(i)));
    const profile = builder.build();
    return { name: 'op', component: 'audit', rate: (load) => load.writes, profile: () => profile };
  };
  const hottest = (op: Operation) => familyStatuses([op], { writes: 1000, reads: 10_000 })[0]!.write;

  it('takes the mean of alike values (shards) rather than the largest of their noisy shares', () => {
    // 7 shards, 1,000 samples: 142 or 143 each; the largest share overstates, the mean does not.
    const hot = hottest(operation((i) => `AUDIT#${(i * 3) % 7}`));
    expect(hot.basis).toBe('siblings');
    expect(hot.siblings).toBe(7);
    expect(hot.load).toBeCloseTo(1000 / 7, 6);
  });

  it('keeps a value that is measurably hotter than its alike values, and named values apart', () => {
    // Samples alternate between the halves: each pattern repeats over pairs, so both halves see the same shares.
    const shard = hottest(operation((i) => (Math.floor(i / 2) % 10 < 5 ? 'AUDIT#0' : `AUDIT#${1 + (i % 5)}`)));
    expect([shard.key.key, shard.basis, shard.load]).toEqual(['AUDIT#0', 'value', 500]);
    const state = hottest(
      operation((i) => {
        const n = Math.floor(i / 2) % 10;
        return n < 6 ? 'STATE#CA' : n < 8 ? 'STATE#TX' : 'STATE#NY';
      }),
    );
    expect([state.key.key, state.basis, state.load]).toEqual(['STATE#CA', 'value', 600]);
  });
});
