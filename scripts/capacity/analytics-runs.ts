/**
 * The analytics consumer's share of the model: the events the other runs published (read off the in-memory
 * tables' streams with the publishers' own mapping), in the proportions of the load, consumed by the real
 * AggregateStore in batches per Kafka partition, as many events per batch as one partition gathers in the
 * batching window at each headline load (fuller batches at higher loads).
 */
import { createHash } from 'node:crypto';
import { AggregateStore } from '../../functions/analytics/aggregate-store';
import { BillingEvent } from '../../proto/gen/billing_event';
import { PatientEvent } from '../../proto/gen/patient_event';
import { ANALYTICS_EVENT_SOURCE, BILLING_EVENT_SOURCE } from '../../system/events';
import { tables, type TableDefinition } from '../../system/tables';
import { MemoryDynamo } from './memory-dynamo';
import type { Operation } from './operation';
import { ProfileBuilder, type Profile } from './profile';
import type { Random } from './synthetic';
import { HEADLINE_WRITES, LEDGER_TRANSACTIONS_PER_PATIENT_WRITE, WRITE_MIX, loadAt, type Load } from './workload';

/** Kafka's partition of a key (any stable hash spreads keys evenly; the figure is the spread, not the hash). */
function partitionOf(key: string, partitions: number): number {
  return createHash('md5').update(key).digest().readUInt32BE(0) % partitions;
}

function average(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

export interface AnalyticsMeasurements {
  /** One operation per topic: a batch of its events applied to one partition's aggregates. */
  batches: Operation[];
  /** GET /api/analytics, on the aggregates full batches left. */
  query: Profile;
  /** The in-memory tables full batches wrote (for the largest items). */
  tables: MemoryDynamo[];
}

export async function measureAnalytics(input: {
  patientEvents: PatientEvent[];
  billingEvents: BillingEvent[];
  random: Random;
  clock: { now(): Date };
  /** Events drawn per topic. */
  samples: number;
  /** Partitions of each topic, as deployed. */
  partitions: number;
}): Promise<AnalyticsMeasurements> {
  const { patientEvents, billingEvents, random, clock } = input;
  const n = input.samples;
  const tablesByName = (): Record<string, TableDefinition> =>
    Object.fromEntries(Object.values(tables).map((t) => [t.name, t]));
  // A record on the topic: the encoded value and its key (the patient id).
  const eventBytes = {
    patient: average(patientEvents.map((e) => PatientEvent.encode(e).finish().length + e.patientId.length)),
    billing: average(billingEvents.map((e) => BillingEvent.encode(e).finish().length + e.patientId.length)),
  };
  // The topics carry the events in the proportions of the load (the runs above made them in other proportions):
  // drawn from each kind's events, each draw a new event id.
  const mixed = <E extends { eventId: string }>(events: E[], kindOf: (e: E) => string, mix: Record<string, number>) => {
    const pools = new Map<string, E[]>();
    for (const e of events) {
      const pool = pools.get(kindOf(e));
      if (pool) pool.push(e);
      else pools.set(kindOf(e), [e]);
    }
    const kinds = Object.entries(mix).filter(([kind]) => pools.has(kind));
    return Array.from({ length: n }, () => ({
      ...random.pick(pools.get(random.weighted(kinds))!),
      eventId: random.uuid(),
    }));
  };
  const shuffledPatients = mixed(patientEvents, (e) => e.eventType, {
    PATIENT_CREATED: WRITE_MIX.create,
    PATIENT_UPDATED: WRITE_MIX.update,
    PATIENT_DELETED: WRITE_MIX.delete,
  });
  const shuffledBilling = mixed(billingEvents, (e) => e.eventType, {
    ACCOUNT_OPENED: WRITE_MIX.create,
    TRANSACTION_RECORDED: LEDGER_TRANSACTIONS_PER_PATIENT_WRITE,
  });
  const patientEventRate = (load: Load) => load.writes;
  const billingEventRate = (load: Load) => load.writes * (WRITE_MIX.create + LEDGER_TRANSACTIONS_PER_PATIENT_WRITE);
  const source = { patient: ANALYTICS_EVENT_SOURCE, billing: BILLING_EVENT_SOURCE };
  /** Events per batch: what one partition gathers in the batching window, at most the batch size. */
  const batchEvents = (topic: 'patient' | 'billing', eventsPerSecond: number) =>
    Math.max(
      1,
      Math.min(
        source[topic].batchSize,
        Math.ceil((eventsPerSecond / input.partitions) * (source[topic].batchWindowMs / 1000)),
      ),
    );
  const analyticsProfiles = new Map<string, Profile>();
  const analyticsQuery = new ProfileBuilder();
  const analyticsTables: MemoryDynamo[] = [];
  const consume = async (topic: 'patient' | 'billing', size: number): Promise<Profile> => {
    const id = `${topic}:${size}`;
    const known = analyticsProfiles.get(id);
    if (known) return known;
    const own = new MemoryDynamo(tablesByName());
    const store = new AggregateStore(own as never, 'analytics', clock);
    const partitions = input.partitions;
    const events: (PatientEvent | BillingEvent)[] = topic === 'patient' ? shuffledPatients : shuffledBilling;
    const byPartition = new Map<number, (PatientEvent | BillingEvent)[]>();
    for (const e of events) {
      const p = partitionOf(e.patientId, partitions);
      const list = byPartition.get(p);
      if (list) list.push(e);
      else byPartition.set(p, [e]);
    }
    const batches = new ProfileBuilder();
    for (const [partition, all] of byPartition)
      for (let i = 0; i < all.length; i += size) {
        // A consumer's first batch also lists its partition in the directory, once per process: not measured.
        if (i === 0) {
          const first = all.slice(0, size);
          await (topic === 'patient'
            ? store.apply(first as PatientEvent[], partition)
            : store.applyBilling(first as BillingEvent[], partition));
          continue;
        }
        const batch = all.slice(i, i + size);
        batches.add(
          await own.measure<unknown>(() =>
            topic === 'patient'
              ? store.apply(batch as PatientEvent[], partition)
              : store.applyBilling(batch as BillingEvent[], partition),
          ),
        );
      }
    if (size === source[topic].batchSize) {
      if (topic === 'patient') for (let i = 0; i < 20; i++) analyticsQuery.add(await own.measure(() => store.read()));
      analyticsTables.push(own);
    }
    const profile = batches.build();
    analyticsProfiles.set(id, profile);
    return profile;
  };
  // Measured ahead for every headline load (profile() is synchronous), and full batches (which the queries then read).
  const eventRates = { patient: patientEventRate, billing: billingEventRate };
  for (const topic of ['patient', 'billing'] as const) {
    await consume(topic, source[topic].batchSize);
    for (const writes of HEADLINE_WRITES) await consume(topic, batchEvents(topic, eventRates[topic](loadAt(writes))));
  }
  const batchOperation = (topic: 'patient' | 'billing', eventRate: (load: Load) => number): Operation => ({
    name: `analytics batch (${topic})`,
    component: 'analytics',
    rate: (load) => eventRate(load) / batchEvents(topic, eventRate(load)),
    profile: (load) => {
      const profile = analyticsProfiles.get(`${topic}:${batchEvents(topic, eventRate(load))}`);
      if (!profile) throw new Error(`No analytics batches measured for ${load.writes} writes/s`);
      return profile;
    },
    lambda: { fn: 'analytics-consumer', ms: 150 },
    events: (load) => ({ topic, count: batchEvents(topic, eventRate(load)), bytes: eventBytes[topic] }),
  });

  return {
    batches: [batchOperation('patient', patientEventRate), batchOperation('billing', billingEventRate)],
    query: analyticsQuery.build(),
    tables: analyticsTables,
  };
}
