/**
 * Aggregates in DynamoDB, exactly once per event id, at a fraction of a write per event.
 *
 * A batch of events is one transaction: a conditional claim item per event id (`EVENT#<id>`,
 * attribute_not_exists) plus UpdateItems that ADD the batch's summed deltas to the aggregate items:
 *
 *   pk AGGREGATE  sk ALL                              patient figures (topic patient)
 *   pk AGGREGATE  sk BILLING                          billing summary: accounts opened, flows per currency (topic billing)
 *   pk AGGREGATE  sk BILLING_DAY#<date>#<currency>    one day's flows in one currency
 *
 * Claims and counts commit together or not at all, so a function that dies midway changes nothing, and
 * a redelivered event fails its claim: it is dropped from the batch and the transaction is retried
 * without it. Patient and billing batches update different items, so the two topics' consumers do not
 * contend. One Query of the AGGREGATE partition reads every figure.
 */
import {
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { BillingEvent } from '../../proto/gen/billing_event';
import { systemClock, type Clock } from '../commons/clock';
import { cancellationReasons, conditionFailed } from '../commons/dynamo-errors';
import { backoffDelay, sleep } from '../commons/retry';
import type { PatientEvent } from '../../proto/gen/patient_event';
import { applyEvent, type Deltas } from './aggregates';
import { billingDeltas } from './billing-aggregates';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
interface Claimable {
  eventId: string;
  occurredAt: string;
}

const PARTITION = 'AGGREGATE';
const PATIENT_KEY = { pk: PARTITION, sk: 'ALL' };
const BILLING_KEY = { pk: PARTITION, sk: 'BILLING' };
const BILLING_DAY_PREFIX = 'BILLING_DAY#';
const MAX_ITEMS = 100; // DynamoDB's limit per transaction
const CLAIM_RETENTION_SECONDS = 30 * 24 * 3600; // longer than any redelivery window (Kafka keeps 7 days)

export interface StoredAggregates {
  patients?: Record<string, unknown>;
  billing?: Record<string, unknown>;
  billingDays: Record<string, unknown>[];
}

/** `ADD` of every delta (and SET of `set`) on one aggregate item. */
function addTo(
  table: string,
  key: Record<string, string>,
  deltas: Deltas,
  set: Record<string, unknown> = {},
): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(set).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const adds = [...deltas].map(([name, value], i) => {
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
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Applies the patient events not applied before; returns those it applied (duplicates are left out). */
  async apply(events: PatientEvent[]): Promise<PatientEvent[]> {
    return this.applyOnce(events, 1, (chunk) => {
      const deltas: Deltas = new Map();
      for (const e of chunk) applyEvent(deltas, e);
      const last =
        chunk
          .map((e) => e.occurredAt)
          .filter(Boolean)
          .sort()
          .at(-1) ?? this.clock.now().toISOString();
      return [addTo(this.table, PATIENT_KEY, deltas, { lastEventAt: last })];
    });
  }

  /** Applies the billing events not applied before; returns those it applied. */
  async applyBilling(events: BillingEvent[]): Promise<BillingEvent[]> {
    // Each event may name its own day: room for a day item per event, and the summary.
    return this.applyOnce(events, 2, (chunk) => {
      const { summary, days } = billingDeltas(chunk, this.clock.now());
      return [
        addTo(this.table, BILLING_KEY, summary),
        ...[...days.values()].map((d) =>
          addTo(this.table, { pk: PARTITION, sk: `${BILLING_DAY_PREFIX}${d.date}#${d.currency}` }, d.deltas, {
            date: d.date,
            currency: d.currency,
          }),
        ),
      ];
    });
  }

  async read(): Promise<StoredAggregates> {
    const stored: StoredAggregates = { billingDays: [] };
    let startKey: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PARTITION },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of Items) {
        if (item.sk === PATIENT_KEY.sk) stored.patients = item;
        else if (item.sk === BILLING_KEY.sk) stored.billing = item;
        else if (String(item.sk).startsWith(BILLING_DAY_PREFIX)) stored.billingDays.push(item);
      }
      startKey = LastEvaluatedKey;
    } while (startKey);
    return stored;
  }

  /**
   * Claims each event id and applies `updates` of the unclaimed ones in one transaction per chunk.
   * `itemsPerEvent`: transaction items an event may take (its claim, and any update of its own).
   */
  private async applyOnce<E extends Claimable>(
    events: E[],
    itemsPerEvent: number,
    updates: (chunk: E[]) => TransactItem[],
  ): Promise<E[]> {
    const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
    const size = Math.floor((MAX_ITEMS - 1) / itemsPerEvent);
    const applied: E[] = [];
    for (let i = 0; i < unique.length; i += size)
      applied.push(...(await this.applyChunk(unique.slice(i, i + size), updates)));
    return applied;
  }

  private async applyChunk<E extends Claimable>(chunk: E[], updates: (chunk: E[]) => TransactItem[]): Promise<E[]> {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: [...this.claims(pending), ...updates(pending)] }));
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
