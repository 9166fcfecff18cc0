/**
 * The analytics aggregates' layout (functions/analytics/aggregate-items.ts) on an in-memory table: every item
 * stays bounded however many events and dates come, each Kafka partition's consumer writes items of its
 * own, and reading sums the partitions and the earlier single-item layout. (Exactly-once claims need real
 * conditional writes: test/integration/events/consumer.test.ts.)
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AggregateStore } from '../../../functions/analytics/aggregate-store';
import { figuresOf } from '../../../functions/analytics/aggregates';
import { billingFiguresOf } from '../../../functions/analytics/billing-aggregates';
import type { BillingEvent } from '../../../proto/gen/billing_event';
import type { PatientEvent } from '../../../proto/gen/patient_event';
import { MemoryDynamo } from '../../../scripts/capacity/memory-dynamo';
import { itemSize } from '../../../scripts/capacity/units';
import { tables } from '../../../system/tables';

const table = () => new MemoryDynamo({ analytics: tables.analytics });
const clock = { now: () => new Date('2026-06-01T12:00:00Z') };
const STATES = ['CA', 'TX', 'NY', 'FL', 'WA', 'Bavaria', 'Île-de-France', 'ON'];
const GENDERS = ['female', 'male', 'other', 'unknown', ''];

/** A deterministic spread of values (no randomness in a unit test). */
const nth = <T>(values: readonly T[], i: number) => values[(i * 7919) % values.length]!;

function created(i: number, registeredDate: string): PatientEvent {
  return {
    patientId: `p${i}`,
    name: '',
    email: '',
    eventType: 'PATIENT_CREATED',
    eventId: `e${i}`,
    occurredAt: `${registeredDate}T10:00:00.000Z`,
    schemaVersion: 2,
    state: nth(STATES, i),
    birthYear: 1920 + ((i * 31) % 106),
    gender: nth(GENDERS, i),
    registeredDate,
    beforeState: '',
    beforeBirthYear: 0,
    beforeGender: '',
    beforeRegisteredDate: '',
    version: 1,
  };
}

/** The i-th of `count` days spread over the ten years before 2026-06-01. */
function dayOf(i: number, count: number): string {
  const start = Date.parse('2016-06-01T00:00:00Z');
  const span = Date.parse('2026-06-01T00:00:00Z') - start;
  return new Date(start + Math.floor((((i * 104_729) % count) / count) * span)).toISOString().slice(0, 10);
}

/** Every transaction's item keys (`pk|sk`) a client sends, by the client. */
function recording(db: MemoryDynamo) {
  const keys = new Set<string>();
  const client = {
    send(command: {
      input: { TransactItems?: Record<string, { Item?: Record<string, unknown>; Key?: Record<string, unknown> }>[] };
    }) {
      for (const action of command.input.TransactItems ?? [])
        for (const body of Object.values(action)) {
          const key = body.Item ?? body.Key!;
          keys.add(`${String(key.pk)}|${String(key.sk)}`);
        }
      return db.send(command);
    },
  };
  return { keys, client };
}

describe('analytics aggregate items', () => {
  it('keeps every item far below DynamoDB 400 KB after 100,000 events over ten years of dates', async () => {
    const db = table();
    const store = new AggregateStore(db as never, 'analytics', clock);
    const events = Array.from({ length: 100_000 }, (_, i) => created(i, dayOf(i, 100_000)));
    const partitions = 4;
    for (let p = 0; p < partitions; p++) {
      const mine = events.filter((_, i) => i % partitions === p);
      for (let i = 0; i < mine.length; i += 100) await store.apply(mine.slice(i, i + 100), p);
    }

    const items = db.itemsOf('analytics').filter((item) => String(item.pk).startsWith('AGGREGATE'));
    const largest = Math.max(...items.map(itemSize));
    expect(largest).toBeLessThan(16 * 1024);
    // What the item of everything held before: one counter per day (3,652 of them) and the rest.
    expect(items.length).toBeGreaterThan(4 * 120);

    const figures = figuresOf((await store.read()).patients, clock.now());
    expect(figures.totalPatients).toBe(100_000);
    expect(figures.eventsProcessed).toBe(100_000);
    expect(figures.registrationsByDay.reduce((sum, d) => sum + d.count, 0)).toBe(100_000);
    expect(figures.registrationsByDay.length).toBeGreaterThan(3_600);
    expect(figures.registrationsByDay.map((d) => d.date)).toEqual(figures.registrationsByDay.map((d) => d.date).sort());
    expect(figures.byState).toEqual(
      Object.fromEntries(
        STATES.map((s) => [s.toUpperCase(), events.filter((e) => e.state === s).length] as const).filter(([, n]) => n),
      ),
    );
    expect(Object.values(figures.byAgeBand).reduce((a, b) => a + b, 0)).toBe(100_000);
  });

  it("gives each Kafka partition's consumer items of its own, and reads them summed", async () => {
    const db = table();
    const zero = recording(db);
    const one = recording(db);
    // Two consumers (two processes) at once, each on its partition, on the same days, states and genders.
    const batches = (from: number) =>
      Array.from({ length: 5 }, (_, b) =>
        Array.from({ length: 60 }, (_, i) => created(from + b * 60 + i, dayOf(b * 60 + i, 300))),
      );
    await Promise.all([
      (async () => {
        const store = new AggregateStore(zero.client as never, 'analytics', clock);
        for (const batch of batches(0)) await store.apply(batch, 0);
      })(),
      (async () => {
        const store = new AggregateStore(one.client as never, 'analytics', clock);
        for (const batch of batches(1_000)) await store.apply(batch, 1);
      })(),
    ]);

    const shared = [...zero.keys].filter((key) => one.keys.has(key));
    expect(shared).toEqual([]);
    const aggregates = (keys: Set<string>) =>
      new Set([...keys].filter((k) => k.startsWith('AGGREGATE#')).map((k) => k.split('|')[0]));
    expect(aggregates(zero.keys)).toEqual(new Set(['AGGREGATE#patient#0']));
    expect(aggregates(one.keys)).toEqual(new Set(['AGGREGATE#patient#1']));

    const reader = new AggregateStore(db as never, 'analytics', clock);
    const figures = figuresOf((await reader.read()).patients, clock.now());
    expect(figures.totalPatients).toBe(600);
    expect(figures.registrationsByDay.reduce((sum, d) => sum + d.count, 0)).toBe(600);
  });

  it('adds in the figures of the earlier single-item layout', async () => {
    const db = table();
    for (const Item of [
      { pk: 'AGGREGATE', sk: 'ALL', total: 2, eventsProcessed: 3, state_CA: 2, 'day_2020-01-01': 2, gender_male: 2 },
      { pk: 'AGGREGATE', sk: 'BILLING', accountsOpened: 1, billingEventsProcessed: 2, charged_USD: 500 },
      { pk: 'AGGREGATE', sk: 'BILLING_DAY#2020-01-01#USD', date: '2020-01-01', currency: 'USD', charged: 500 },
    ])
      await db.send(new PutCommand({ TableName: 'analytics', Item }));
    const store = new AggregateStore(db as never, 'analytics', clock);
    await store.apply([created(1, '2020-01-01')], 2);
    const charge: BillingEvent = {
      eventId: 'b1',
      eventType: 'TRANSACTION_RECORDED',
      accountId: 'a',
      patientId: 'p1',
      transactionId: 't',
      transactionType: 'CHARGE',
      amount: 250,
      currency: 'USD',
      balanceAfter: 750,
      occurredAt: '2020-01-01T09:00:00.000Z',
    };
    await store.applyBilling([charge], 1);

    const stored = await store.read();
    const patients = figuresOf(stored.patients, clock.now());
    expect(patients.totalPatients).toBe(3);
    expect(patients.eventsProcessed).toBe(4);
    expect(patients.registrationsByDay).toEqual([{ date: '2020-01-01', count: 3 }]);
    expect(billingFiguresOf(stored.billing, stored.billingDays)).toEqual({
      accountsOpened: 1,
      currencies: { USD: { charged: 750, paid: 0, refunded: 0, outstanding: 750 } },
      byDay: [{ date: '2020-01-01', currency: 'USD', charged: 750, paid: 0, refunded: 0 }],
    });
    expect(await store.readBillingSummary()).toEqual(stored.billing);
  });
});
