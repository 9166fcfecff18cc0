/**
 * The one description of every Lambda function: its code entry, which tables it may touch and how.
 * The CDK stacks build NodejsFunctions from it; the local runtime loads the same entries in-process.
 */
import type { TableName } from './tables';

/** RO read, RW read and write, APPEND put new items only (the audit trail cannot be changed or read back). */
export type AccessMode = 'RO' | 'RW' | 'APPEND';
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
    description: 'Sign-up, login, refresh, logout, validate and the JWKS',
    tables: { users: 'RW', sessions: 'RW' },
  },
  authorizer: {
    name: 'authorizer', entry: 'functions/authorizer/handler.ts', handler: 'handler',
    description: 'API Gateway TOKEN authorizer: verifies access tokens with the public key, checks revocation',
    tables: { sessions: 'RO' }, memorySize: 256,
  },
  patients: {
    name: 'patients', entry: 'functions/patients/handler.ts', handler: 'handler',
    description: 'Patient records: list, search, read, create, update, soft delete',
    tables: { patients: 'RW', audit: 'APPEND', idempotency: 'RW' },
    // A create waits up to 2 s for billing (plus retries) inside a DynamoDB transaction round trip.
    memorySize: 512, timeoutSeconds: 10,
  },
  platform: {
    name: 'platform', entry: 'functions/platform/handler.ts', handler: 'handler',
    description: 'Health and the OpenAPI document',
    tables: { patients: 'RO', users: 'RO' }, memorySize: 256,
  },
  'analytics-query': {
    name: 'analytics-query', entry: 'functions/analytics/query-handler.ts', handler: 'handler',
    description: 'GET /api/analytics from the aggregates table',
    tables: { analytics: 'RO' }, memorySize: 256,
  },
  'analytics-consumer': {
    name: 'analytics-consumer', entry: 'functions/analytics/consumer-handler.ts', handler: 'handler',
    description: 'Consumes topic "patient" (Kafka event source) into aggregates and EMF metrics, exactly once per event',
    tables: { analytics: 'RW' },
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
    tables: { patients: 'RW' }, memorySize: 256, timeoutSeconds: 60,
  },
  'billing-api': {
    name: 'billing-api', entry: 'functions/billing/handler.ts', handler: 'handler',
    description: 'A patient\'s billing account and ledger (calls the billing service over gRPC; billing writes its own data)',
    // The patient record decides who may see the account; every access is audited.
    tables: { patients: 'RO', audit: 'APPEND' }, memorySize: 512,
  },
  'billing-publisher': {
    name: 'billing-publisher', entry: 'functions/publisher/billing-handler.ts', handler: 'handler',
    description: 'Billing tables\' streams to topic "billing" (transactional outbox: ACCOUNT_OPENED, TRANSACTION_RECORDED)',
    // It reads only the billing tables' streams (granted by its event sources), no table items.
    tables: {}, timeoutSeconds: 60,
  },
};
