/**
 * Aggregates in DynamoDB, exactly once per event id, at a fraction of a write per event.
 *
 * A batch of up to 99 events is one transaction: a conditional claim item per event id
 * (`EVENT#<id>`, attribute_not_exists) plus one UpdateItem that ADDs the batch's summed deltas to
 * the single aggregate item. Claims and counts commit together or not at all, so a function that
 * dies midway changes nothing, and a redelivered event fails its claim: it is dropped from the
 * batch and the transaction is retried without it.
 */
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PatientEvent } from '../../proto/gen/patient_event';
import { applyEvent, type Deltas } from './aggregates';

const AGGREGATE_KEY = { pk: 'AGGREGATE', sk: 'ALL' };
const MAX_EVENTS_PER_TRANSACTION = 99; // DynamoDB allows 100 items; one is the aggregate
const CLAIM_RETENTION_SECONDS = 30 * 24 * 3600; // longer than any redelivery window (Kafka keeps 7 days)

export class AggregateStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  /** Applies the events not applied before; returns those it applied (duplicates are left out). */
  async apply(events: PatientEvent[]): Promise<PatientEvent[]> {
    const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
    const applied: PatientEvent[] = [];
    for (let i = 0; i < unique.length; i += MAX_EVENTS_PER_TRANSACTION) {
      applied.push(...(await this.applyChunk(unique.slice(i, i + MAX_EVENTS_PER_TRANSACTION))));
    }
    return applied;
  }

  async read(): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: AGGREGATE_KEY, ConsistentRead: true }));
    return Item;
  }

  private async applyChunk(chunk: PatientEvent[]): Promise<PatientEvent[]> {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: this.transaction(pending) }));
        return pending;
      } catch (error) {
        const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
        if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
        const duplicates = new Set(pending.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((e) => e.eventId));
        if (duplicates.size === 0 && attempt >= 5) throw error; // conflicts that do not clear: let the batch retry
        pending = pending.filter((e) => !duplicates.has(e.eventId));
        if (duplicates.size === 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
    return [];
  }

  private transaction(events: PatientEvent[]) {
    const expiresAt = Math.floor(Date.now() / 1000) + CLAIM_RETENTION_SECONDS;
    const claims = events.map((e) => ({
      Put: {
        TableName: this.table,
        Item: { pk: `EVENT#${e.eventId}`, sk: 'EVENT', expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    const deltas: Deltas = new Map();
    for (const e of events) applyEvent(deltas, e);
    const names: Record<string, string> = { '#last': 'lastEventAt' };
    const values: Record<string, unknown> = {
      ':last': events.map((e) => e.occurredAt).filter(Boolean).sort().at(-1) ?? new Date().toISOString(),
    };
    const adds = [...deltas].map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
      return `#a${i} :a${i}`;
    });
    const update = {
      Update: {
        TableName: this.table,
        Key: AGGREGATE_KEY,
        UpdateExpression: `SET #last = :last ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
    return [...claims, update];
  }
}
