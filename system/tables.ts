/**
 * The one description of every DynamoDB table. The CDK stateful stack and the local runtime's
 * table set-up both read it, so local and deployed tables cannot drift apart.
 * Plain data only: no aws-cdk-lib import, so the local runtime loads it cheaply.
 */
export type AttributeType = 'S' | 'N';
export interface KeyDefinition {
  name: string;
  type: AttributeType;
}
export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  projection: 'ALL' | 'KEYS_ONLY';
}
export interface TableDefinition {
  /** Short name: the local table name, and the base of its environment variable (`<NAME>_TABLE`). */
  name: TableName;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  globalIndexes?: IndexDefinition[];
  /** Change stream, for tables whose writes are published (transactional outbox). */
  stream?: 'NEW_AND_OLD_IMAGES';
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes the item after it. */
  ttlAttribute?: string;
}

export type TableName =
  | 'users'
  | 'sessions'
  | 'patients'
  | 'audit'
  | 'idempotency'
  | 'billing-accounts'
  | 'billing-transactions'
  | 'analytics';

const S = (name: string): KeyDefinition => ({ name, type: 'S' });
/** A global index on string keys that projects every attribute. */
const fullIndex = (indexName: string, partitionKey: string, sortKey: string): IndexDefinition => ({
  indexName,
  partitionKey: S(partitionKey),
  sortKey: S(sortKey),
  projection: 'ALL',
});

export const tables: Record<TableName, TableDefinition> = {
  // Users: `USER#<id>` records, `EMAIL#<lowercased email>` uniqueness items and the set of active admins.
  // gsi1 lists users newest first (one partition: sign-ups are far below its 1,000 writes/s).
  users: {
    name: 'users',
    partitionKey: S('pk'),
    globalIndexes: [{ indexName: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk'), projection: 'ALL' }],
  },
  // Logins, users' access states, verification codes and failed-login counters; most expire by TTL.
  // gsi1 lists one user's logins (partition per user).
  sessions: {
    name: 'sessions',
    partitionKey: S('pk'),
    ttlAttribute: 'expiresAt',
    globalIndexes: [{ indexName: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk'), projection: 'ALL' }],
  },
  // Patients, their email-uniqueness items and search entries; the stream feeds the event publisher.
  patients: {
    name: 'patients',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    globalIndexes: [
      { indexName: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk'), projection: 'ALL' },
      { indexName: 'gsi2', partitionKey: S('gsi2pk'), sortKey: S('gsi2sk'), projection: 'ALL' },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  // Append-only audit trail of every patient read and write: who, what, when, outcome; no field values.
  // By patient on the table, by user on `actor`, everyone's on `recent` (write-sharded): see audit-items.ts.
  audit: {
    name: 'audit',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    globalIndexes: [fullIndex('actor', 'actorPk', 'sk'), fullIndex('recent', 'recentPk', 'sk')],
  },
  // Powertools idempotency records for POST /api/patients (24 h).
  idempotency: { name: 'idempotency', partitionKey: S('id'), ttlAttribute: 'expiration' },
  // Billing accounts, one per patient, with the ledger's figures (the billing service's own table). Its stream
  // carries ACCOUNT_OPENED to topic "billing" (functions/billing/streams/publish-events.ts).
  'billing-accounts': { name: 'billing-accounts', partitionKey: S('patientId'), stream: 'NEW_AND_OLD_IMAGES' },
  // The ledger: per account (pk ACCOUNT#<id>) its transactions (sk TX#<time-ordered id>) and idempotency keys
  // (sk KEY#<hash>); billing's own table. Its stream carries TRANSACTION_RECORDED to topic "billing".
  'billing-transactions': {
    name: 'billing-transactions',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    stream: 'NEW_AND_OLD_IMAGES',
  },
  // Analytics aggregates and processed event ids (exactly-once counting).
  analytics: { name: 'analytics', partitionKey: S('pk'), sortKey: S('sk'), ttlAttribute: 'expiresAt' },
};

/** The environment variable that carries a table's deployed (or local) name, e.g. `PATIENTS_TABLE`. */
export function tableEnvVar(name: TableName): string {
  return `${name.toUpperCase().replace(/-/g, '_')}_TABLE`;
}
