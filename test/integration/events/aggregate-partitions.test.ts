/**
 * Analytics aggregates per Kafka partition, on DynamoDB Local: two partitions' consumers write at the same
 * time without meeting on an item, each partition's items are listed in the directory, and an event counted
 * in one partition is not counted again when it comes back in another.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AggregateStore } from '../../../functions/analytics/aggregate-store';
import { figuresOf } from '../../../functions/analytics/aggregates';
import { dynamoClient } from '../../../functions/commons/clients/dynamo';
import type { PatientEvent } from '../../../proto/gen/patient_event';
import { useLocalTables } from '../../support/tables';

const event = (i: number): PatientEvent => ({
  patientId: `p${i}`,
  name: '',
  email: '',
  eventType: 'PATIENT_CREATED',
  eventId: `partitions-${i}`,
  occurredAt: '2026-03-01T10:00:00.000Z',
  schemaVersion: 2,
  state: ['CA', 'NY', 'TX'][i % 3]!,
  birthYear: 1950 + (i % 50),
  gender: 'female',
  registeredDate: `2026-0${1 + (i % 3)}-1${i % 10}`,
  beforeState: '',
  beforeBirthYear: 0,
  beforeGender: '',
  beforeRegisteredDate: '',
  version: 1,
});

describe('analytics aggregates per partition', () => {
  let table: string;
  beforeAll(async () => {
    table = (await useLocalTables()).analytics;
  });

  it('lets two partitions count at once, each in its own items, and counts an event once whichever partition brings it', async () => {
    const db = dynamoClient();
    const batches = (partition: number) =>
      Array.from({ length: 4 }, (_, b) => Array.from({ length: 40 }, (_, i) => event(partition * 1000 + b * 40 + i)));
    await Promise.all(
      [0, 1].map(async (partition) => {
        const store = new AggregateStore(db, table);
        for (const batch of batches(partition)) await store.apply(batch, partition);
      }),
    );
    const store = new AggregateStore(db, table);
    expect(figuresOf((await store.read()).patients, new Date()).totalPatients).toBe(320);

    // Partition 0's first batch again, through partition 1 (a repartitioned topic): nothing new.
    expect(await store.apply(batches(0)[0]!, 1)).toEqual([]);
    const figures = figuresOf((await store.read()).patients, new Date());
    expect(figures.totalPatients).toBe(320);
    expect(figures.eventsProcessed).toBe(320);

    const pks = async (pk: string) =>
      (
        await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
          }),
        )
      ).Items ?? [];
    expect((await pks('AGGREGATES')).map((item) => item.sk)).toEqual(['patient#0', 'patient#1']);
    for (const partition of [0, 1]) {
      const items = await pks(`AGGREGATE#patient#${partition}`);
      expect(items.map((item) => item.sk).sort()).toEqual([
        'MONTH#2026-01',
        'MONTH#2026-02',
        'MONTH#2026-03',
        'SUMMARY',
      ]);
      expect(items.find((item) => item.sk === 'SUMMARY')!.total).toBe(160);
    }
  });
});
