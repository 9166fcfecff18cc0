/**
 * The keys of the `audit` table: one item per entry, written with one PutItem, found three ways:
 *
 *   base table   pk PATIENT#<patientId> (or ENTRY#<auditId> when no patient is named)   sk <at>#<auditId>
 *   index actor  actorPk ACTOR#<userId>                                                sk <at>#<auditId>
 *   index recent recentPk AUDIT#<shard>, shard = a hash of the entry id mod N          sk <at>#<auditId>
 *
 * No partition key takes more than its share: a patient's entries grow with that patient's accesses, a
 * user's with that user's requests, and the system-wide stream of every entry is spread over N write
 * shards, which a listing queries side by side and merges by sort key (newest first). N may grow (more
 * shards for more traffic) but never shrink: a listing reads shards 0..N-1.
 */
import type { AuditRecord, StoredAuditRecord } from '../ports';

/**
 * Write shards of index `recent` when AUDIT_SHARDS is not set (the local runtime). A deployment sets it
 * for its load: each shard takes 1/N of every audited request, and a partition takes ~1,000 writes/s.
 */
export const DEFAULT_AUDIT_SHARDS = 8;

export function auditShards(env: NodeJS.ProcessEnv = process.env): number {
  return env.AUDIT_SHARDS ? Number(env.AUDIT_SHARDS) : DEFAULT_AUDIT_SHARDS;
}

export const ACTOR_INDEX = 'actor';
export const RECENT_INDEX = 'recent';

export const patientAuditPk = (patientId: string) => `PATIENT#${patientId}`;
export const entryPk = (auditId: string) => `ENTRY#${auditId}`;
export const actorPk = (userId: string) => `ACTOR#${userId}`;
export const recentPk = (shard: number) => `AUDIT#${shard}`;
export const auditSk = (at: string, auditId: string) => `${at}#${auditId}`;

/** The write shard of an entry: spread evenly, since entry ids are random UUIDs. */
export function shardOf(auditId: string, shards: number): number {
  return Number.parseInt(auditId.replace(/-/g, '').slice(0, 8), 16) % shards;
}

/** The one item of an audit entry. Ids and outcomes only: never a name, email, date or address. */
export function auditItem(record: AuditRecord, auditId: string, shards: number): Record<string, unknown> {
  return {
    pk: record.patientId ? patientAuditPk(record.patientId) : entryPk(auditId),
    sk: auditSk(record.at, auditId),
    actorPk: actorPk(record.userId),
    recentPk: recentPk(shardOf(auditId, shards)),
    auditId,
    at: record.at,
    action: record.action,
    outcome: record.outcome,
    userId: record.userId,
    role: record.role,
    requestId: record.requestId,
    ...(record.resource ? { resource: record.resource } : {}),
    ...(record.patientId ? { patientId: record.patientId } : {}),
    ...(record.patientIds ? { patientIds: record.patientIds, resultCount: record.patientIds.length } : {}),
  };
}

export function fromAuditItem(item: Record<string, unknown>): StoredAuditRecord {
  return {
    id: String(item.auditId),
    at: String(item.at),
    action: item.action as StoredAuditRecord['action'],
    outcome: item.outcome as StoredAuditRecord['outcome'],
    userId: String(item.userId),
    role: String(item.role),
    requestId: String(item.requestId),
    ...(item.resource === 'BILLING' ? { resource: item.resource } : {}),
    ...(typeof item.patientId === 'string' ? { patientId: item.patientId } : {}),
  };
}
