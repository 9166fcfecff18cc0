/**
 * Aggregates in DynamoDB, exactly once per event id, at a fraction of a write per event.
 *
 * A batch of one Kafka partition's events is one transaction (or a few, when its items exceed DynamoDB's
 * 100 per transaction): a conditional claim item per event id (`EVENT#<id>`, attribute_not_exists) plus
 * UpdateItems that ADD the batch's summed deltas to that partition's aggregate items (layout and reasons:
 * aggregate-items.ts). Claims and counts commit together or not at all, so a function that dies midway
 * changes nothing, and a redelivered event fails its claim: it is dropped from the batch and the
 * transaction is retried without it. Each partition has items of its own, so consumers of different
 * partitions (and of the two topics) never write the same item. Reading queries the directory, then each
 * partition (and the earlier single-item layout), and sums them.
 */
import {
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { BillingEvent } from '../../proto/gen/billing_event';
import type { PatientEvent } from '../../proto/gen/patient_event';
import { ANALYTICS_EVENT_SOURCE, BILLING_EVENT_SOURCE } from '../../system/events';
import { systemClock, type Clock } from '../commons/clock';
import { cancellationReasons, conditionFailed } from '../commons/dynamo-errors';
import { backoffDelay, sleep } from '../commons/retry';
import {
  DIRECTORY_PK,
  LEGACY_PK,
  SUMMARY_SK,
  aggregatePk,
  billingCounterSk,
  billingDayAttribute,
  billingMonthSk,
  directoryKey,
  mergeAggregates,
  patientCounterSk,
  type StoredAggregates,
} from './aggregate-items';
import { applyEvent, type Deltas } from './aggregates';
import { billingDeltas } from './billing-aggregates';

export type { StoredAggregates } from './aggregate-items';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;
interface Claimable {
  eventId: string;
  occurredAt: string;
}

/** What a chunk of events does to one aggregate item: counters to ADD, attributes to SET. */
export interface ItemUpdate {
  add: Deltas;
  set: Record<string, unknown>;
}

/** How one topic's events become item updates. */
interface Plan<E> {
  topic: string;
  /** The sort keys of the items one event changes (an upper bound: a chunk's deltas may cancel out). */
  itemsOf(event: E): string[];
  /** The updates of a chunk of events, per sort key. */
  updates(chunk: E[]): Map<string, ItemUpdate>;
}

const MAX_ITEMS = 100; // DynamoDB's limit per transaction
const CLAIM_RETENTION_SECONDS = 30 * 24 * 3600; // longer than any redelivery window (Kafka keeps 7 days)

function update(updates: Map<string, ItemUpdate>, sk: string): ItemUpdate {
  let u = updates.get(sk);
  if (!u) updates.set(sk, (u = { add: new Map(), set: {} }));
  return u;
}

/** Patient events → per item, the counters to add (aggregates.ts's deltas, placed by aggregate-items.ts). */
export function patientUpdates(chunk: PatientEvent[], now: Date): Map<string, ItemUpdate> {
  const deltas: Deltas = new Map();
  for (const e of chunk) applyEvent(deltas, e);
  const updates = new Map<string, ItemUpdate>();
  for (const [name, value] of deltas) update(updates, patientCounterSk(name)).add.set(name, value);
  const last =
    chunk
      .map((e) => e.occurredAt)
      .filter(Boolean)
      .sort()
      .at(-1) ?? now.toISOString();
  update(updates, SUMMARY_SK).set.lastEventAt = last;
  return updates;
}

/** Billing events → per item, the counters to add. */
export function billingUpdates(chunk: BillingEvent[], now: Date): Map<string, ItemUpdate> {
  const { summary, days } = billingDeltas(chunk, now);
  const updates = new Map<string, ItemUpdate>();
  for (const [name, value] of summary) update(updates, billingCounterSk(name)).add.set(name, value);
  for (const d of days.values()) {
    const add = update(updates, billingMonthSk(d.date, d.currency)).add;
    for (const [flow, value] of d.deltas) add.set(billingDayAttribute(flow, d.date), value);
  }
  return updates;
}

/** `ADD` of every delta and `SET` of every value on one aggregate item. */
function updateItem(table: string, key: Record<string, string>, { add, set }: ItemUpdate): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(set).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const adds = [...add].map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    return `#a${i} :a${i}`;
  });
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', adds.length ? `ADD ${adds.join(', ')}` : '']
        .filter(Boolean)
        .join(' '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

export class AggregateStore {
  /** Partition keys this instance has listed in the directory (once per process is enough: the entry never changes). */
  private readonly listed = new Set<string>();
  private readonly patientPlan: Plan<PatientEvent>;
  private readonly billingPlan: Plan<BillingEvent>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.patientPlan = {
      topic: ANALYTICS_EVENT_SOURCE.topic,
      itemsOf: (e) => [...patientUpdates([e], this.clock.now()).keys()],
      updates: (chunk) => patientUpdates(chunk, this.clock.now()),
    };
    this.billingPlan = {
      topic: BILLING_EVENT_SOURCE.topic,
      itemsOf: (e) => [...billingUpdates([e], this.clock.now()).keys()],
      updates: (chunk) => billingUpdates(chunk, this.clock.now()),
    };
  }

  /** Applies the patient events (of Kafka partition `partition`) not applied before; returns those it applied. */
  async apply(events: PatientEvent[], partition = 0): Promise<PatientEvent[]> {
    return this.applyOnce(events, partition, this.patientPlan);
  }

  /** Applies the billing events (of Kafka partition `partition`) not applied before; returns those it applied. */
  async applyBilling(events: BillingEvent[], partition = 0): Promise<BillingEvent[]> {
    return this.applyOnce(events, partition, this.billingPlan);
  }

  /** Every partition's figures (and the earlier layout's), summed. */
  async read(): Promise<StoredAggregates> {
    const partitions = await this.queryAll(DIRECTORY_PK);
    const pks = [LEGACY_PK, ...partitions.map((p) => aggregatePk(String(p.topic), Number(p.partition)))];
    const items = await Promise.all(pks.map((pk) => this.queryAll(pk)));
    return mergeAggregates(items.flat());
  }

  /** The billing summary only (accounts opened, flows per currency), summed over the partitions: no day items read. */
  async readBillingSummary(): Promise<Record<string, unknown>> {
    const partitions = (await this.queryAll(DIRECTORY_PK)).filter((p) => p.topic === this.billingPlan.topic);
    const items = await Promise.all([
      this.queryAll(LEGACY_PK, { equals: 'BILLING' }),
      ...partitions.map((p) =>
        this.queryAll(aggregatePk(String(p.topic), Number(p.partition)), { prefix: SUMMARY_SK }),
      ),
    ]);
    return mergeAggregates(items.flat()).billing;
  }

  /** Every item of partition `pk` (or those whose sort key equals or begins with the one given), page after page. */
  private async queryAll(pk: string, sk?: { prefix: string } | { equals: string }): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    const skCondition = !sk ? '' : 'prefix' in sk ? ' AND begins_with(sk, :sk)' : ' AND sk = :sk';
    do {
      const { Items = [], LastEvaluatedKey } = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          ConsistentRead: true,
          KeyConditionExpression: `pk = :pk${skCondition}`,
          ExpressionAttributeValues: {
            ':pk': pk,
            ...(sk ? { ':sk': 'prefix' in sk ? sk.prefix : sk.equals } : {}),
          },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...Items);
      startKey = LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /**
   * Claims each event id and applies the updates of the unclaimed ones, one transaction per chunk: as many
   * events as fit DynamoDB's 100 items with their claims and the items they change.
   */
  private async applyOnce<E extends Claimable>(events: E[], partition: number, plan: Plan<E>): Promise<E[]> {
    const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
    const pk = aggregatePk(plan.topic, partition);
    const applied: E[] = [];
    let chunk: E[] = [];
    let touched = new Set<string>();
    const room = () => MAX_ITEMS - (this.listed.has(pk) ? 0 : 1);
    for (const event of unique) {
      const items = plan.itemsOf(event);
      const after = new Set([...touched, ...items]);
      if (chunk.length > 0 && chunk.length + 1 + after.size > room()) {
        applied.push(...(await this.applyChunk(chunk, partition, plan)));
        chunk = [];
        touched = new Set(items);
      } else touched = after;
      chunk.push(event);
    }
    if (chunk.length > 0) applied.push(...(await this.applyChunk(chunk, partition, plan)));
    return applied;
  }

  private async applyChunk<E extends Claimable>(chunk: E[], partition: number, plan: Plan<E>): Promise<E[]> {
    const pk = aggregatePk(plan.topic, partition);
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const listing = this.listed.has(pk) ? [] : [this.directoryEntry(plan.topic, partition, pk)];
      const updates = [...plan.updates(pending)].map(([sk, u]) => updateItem(this.table, { pk, sk }, u));
      try {
        await this.db.send(
          new TransactWriteCommand({ TransactItems: [...this.claims(pending), ...updates, ...listing] }),
        );
        this.listed.add(pk);
        return pending;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        const duplicates = new Set(pending.filter((_, i) => conditionFailed(reasons[i])).map((e) => e.eventId));
        if (duplicates.size === 0 && attempt >= 5) throw error; // conflicts that do not clear: let the batch retry
        pending = pending.filter((e) => !duplicates.has(e.eventId));
        if (duplicates.size === 0) await sleep(backoffDelay(attempt + 1, { baseMs: 20, jitter: 'none' }));
      }
    }
    return [];
  }

  /** The directory entry of a partition: written with its first batch, so no aggregate exists unlisted. */
  private directoryEntry(topic: string, partition: number, pk: string): TransactItem {
    return {
      Put: { TableName: this.table, Item: { ...directoryKey(topic, partition), topic, partition, aggregates: pk } },
    };
  }

  private claims(events: Claimable[]): TransactItem[] {
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + CLAIM_RETENTION_SECONDS;
    return events.map((e) => ({
      Put: {
        TableName: this.table,
        Item: { pk: `EVENT#${e.eventId}`, sk: 'EVENT', expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
  }
}
