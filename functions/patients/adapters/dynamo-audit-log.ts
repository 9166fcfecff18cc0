/**
 * The append-only audit trail on the `audit` table: one item per entry, written with one conditional
 * PutItem (never overwritten), found by patient (base table), by user (index `actor`) or across the
 * whole system (index `recent`, write-sharded, merged on read). Keys: ./audit-items.ts. The function's IAM
 * policy allows PutItem, GetItem and Query here, never UpdateItem, DeleteItem or Scan, so no entry can
 * be changed or removed. No field values are stored: ids and outcomes only.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditLog, AuditPage, AuditQuery, AuditRecord } from '../ports';
import { ACTOR_INDEX, RECENT_INDEX, actorPk, auditItem, fromAuditItem, patientAuditPk, recentPk } from './audit-items';
import { HIGHEST, justBelow, mergedPage } from './merged-query';

/** Sort keys start with an ISO time: below every one of them. */
const LOWEST = '0';

export class DynamoAuditLog implements AuditLog {
  /** `shards`: the write shards of index `recent` (may grow between deployments, never shrink). */
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly shards: number,
  ) {
    if (!Number.isInteger(shards) || shards < 1) throw new Error('The audit shard count must be a positive integer');
  }

  async append(record: AuditRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: auditItem(record, randomUUID(), this.shards),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async page(query: AuditQuery): Promise<AuditPage> {
    // Inclusive bounds on `<at>#<id>`: `to` covers every entry of its instant, `before` none of its own.
    const upper = [
      query.to ? `${query.to}#${HIGHEST}` : HIGHEST,
      query.before ? justBelow(query.before) : HIGHEST,
    ].reduce((a, b) => (a < b ? a : b));
    const lower = query.from ?? LOWEST;
    if (upper < lower) return { records: [], next: null };
    const names: Record<string, string> = { '#outcome': 'outcome' };
    const values: Record<string, unknown> = { ':lo': lower, ':hi': upper };
    const filters = [
      `#outcome IN (${query.outcomes
        .map((outcome, i) => {
          values[`:o${i}`] = outcome;
          return `:o${i}`;
        })
        .join(', ')})`,
    ];
    if (query.action) {
      names['#action'] = 'action';
      values[':action'] = query.action;
      filters.push('#action = :action');
    }
    if (query.patientId && query.actorId) {
      values[':actor'] = query.actorId;
      filters.push('userId = :actor');
    }
    // One patient's entries (the table), one user's (index actor), or everyone's (every shard of index recent).
    const where = query.patientId
      ? { key: 'pk', partitions: [patientAuditPk(query.patientId)], consistent: true }
      : query.actorId
        ? { index: ACTOR_INDEX, key: 'actorPk', partitions: [actorPk(query.actorId)] }
        : {
            index: RECENT_INDEX,
            key: 'recentPk',
            partitions: Array.from({ length: this.shards }, (_, shard) => recentPk(shard)),
          };
    const inputs: QueryCommandInput[] = where.partitions.map((pk) => ({
      TableName: this.table,
      IndexName: where.index,
      ConsistentRead: where.consistent,
      KeyConditionExpression: `${where.key} = :pk AND sk BETWEEN :lo AND :hi`,
      FilterExpression: filters.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':pk': pk },
    }));
    const { items, next } = await mergedPage(this.db, inputs, query.limit);
    return { records: items.map(fromAuditItem), next };
  }
}
