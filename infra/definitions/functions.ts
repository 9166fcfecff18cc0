/**
 * The one description of every Lambda function: its code entry, which tables it may touch and how.
 * The CDK stacks build NodejsFunctions from it; the local runtime loads the same entries in-process.
 */
import type { TableName } from './tables';

const GET_ITEMS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'] as const;
const WRITE_ITEMS = [...GET_ITEMS, 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
const RW = [...WRITE_ITEMS, 'dynamodb:DeleteItem'] as const;

/**
 * How a function may use a table: the DynamoDB actions it is granted there (on the table and its
 * indexes). None has Scan: no function reads a whole table. A TransactWriteItems needs the action of each
 * of its items (Put → PutItem, Update → UpdateItem, Delete → DeleteItem).
 */
export const ACCESS_MODES = {
  /** The table's description, no item (a health check). */
  DESCRIBE: ['dynamodb:DescribeTable'],
  /** Items by key only. */
  GET_ITEMS,
  /** New items only: an audit trail can be neither changed nor read back. */
  APPEND: ['dynamodb:PutItem'],
  /** New items, read back by key or Query: the audit trail's reader (no Scan, no update, no delete). */
  APPEND_READ: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
  /** Items read (by key or Query), written and updated; none deleted. */
  WRITE_ITEMS,
  /** WRITE_ITEMS, and items deleted one by one. */
  RW,
} as const satisfies Record<string, readonly string[]>;
export type AccessMode = keyof typeof ACCESS_MODES;
export type FunctionName =
  | 'auth'
  | 'authorizer'
  | 'patients'
  | 'platform'
  | 'analytics-query'
  | 'analytics-consumer'
  | 'publisher'
  | 'pending-billing'
  | 'billing-api'
  | 'billing-publisher';

export interface FunctionDefinition {
  name: FunctionName;
  /** Path of the handler module, from the project root. */
  entry: string;
  /** Exported handler name. */
  handler: string;
  description: string;
  tables: Partial<Record<TableName, AccessMode>>;
  memorySize?: number;
  timeoutSeconds?: number;
}

export const functions: Record<FunctionName, FunctionDefinition> = {
  auth: {
    name: 'auth', entry: 'functions/auth/handler.ts', handler: 'handler',
    description: 'Sign-up, email verification, login, refresh, logout, validate, password change, users and sessions, the JWKS',
    // Sessions: failed-login counters and used verification codes are deleted.
    tables: { users: 'WRITE_ITEMS', sessions: 'RW' },
    memorySize: 1024, // scrypt: CPU scales with memory
  },
  authorizer: {
    name: 'authorizer', entry: 'functions/authorizer/handler.ts', handler: 'handler',
    description: 'API Gateway TOKEN authorizer: verifies access tokens with the public key, checks revocation',
    // Revocations by key (GetItem, BatchGetItem through its own small client, functions/authorizer/aws-json.ts).
    tables: { sessions: 'GET_ITEMS' }, memorySize: 256,
  },
  patients: {
    name: 'patients', entry: 'functions/patients/handler.ts', handler: 'handler',
    description: 'Patient records: list, search, read, create, update, soft delete, history, audit trail',
    // Deletes: a soft delete or an email change removes the email claim and search entries (items of their own),
    // and a failed create releases its Idempotency-Key. IAM cannot tell those items from the patient's (same partition).
    tables: { patients: 'RW', audit: 'APPEND_READ', idempotency: 'RW' },
    // A create waits up to 2 s for billing (plus retries) inside a DynamoDB transaction round trip.
    memorySize: 512, timeoutSeconds: 10,
  },
  platform: {
    name: 'platform', entry: 'functions/platform/handler.ts', handler: 'handler',
    description: 'Health and the OpenAPI document',
    // Unauthenticated: its health check describes the patients table and reads no item.
    tables: { patients: 'DESCRIBE' }, memorySize: 256,
  },
  'analytics-query': {
    name: 'analytics-query', entry: 'functions/analytics/query-handler.ts', handler: 'handler',
    description: 'GET /api/analytics from the aggregates table',
    tables: { analytics: 'GET_ITEMS' }, memorySize: 256,
  },
  'analytics-consumer': {
    name: 'analytics-consumer', entry: 'functions/analytics/consumer-handler.ts', handler: 'handler',
    description: 'Consumes topic "patient" (Kafka event source) into aggregates and EMF metrics, exactly once per event',
    tables: { analytics: 'WRITE_ITEMS' },
  },
  publisher: {
    name: 'publisher', entry: 'functions/publisher/handler.ts', handler: 'handler',
    description: 'Patients table stream to topic "patient" (transactional outbox)',
    // It reads only the table's stream (granted by its event source), no table items.
    tables: {}, timeoutSeconds: 60,
  },
  'pending-billing': {
    name: 'pending-billing', entry: 'functions/publisher/pending-billing-handler.ts', handler: 'handler',
    description: 'Patients table stream: opens the billing account of every PENDING patient (idempotent)',
    tables: { patients: 'WRITE_ITEMS' }, memorySize: 256, timeoutSeconds: 60,
  },
  'billing-api': {
    name: 'billing-api', entry: 'functions/billing/handler.ts', handler: 'handler',
    description: 'A patient\'s billing account and ledger (calls the billing service over gRPC; billing writes its own data)',
    // The patient record decides who may see the account; every access is audited.
    tables: { patients: 'GET_ITEMS', audit: 'APPEND' }, memorySize: 512,
  },
  'billing-publisher': {
    name: 'billing-publisher', entry: 'functions/publisher/billing-handler.ts', handler: 'handler',
    description: 'Billing tables\' streams to topic "billing" (transactional outbox: ACCOUNT_OPENED, TRANSACTION_RECORDED)',
    // It reads only the billing tables' streams (granted by its event sources), no table items.
    tables: {}, timeoutSeconds: 60,
  },
};
