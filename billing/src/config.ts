/** The billing server's configuration, from environment variables (the container's and `npm start`'s). */
import { tableEnvVar } from '../../system/tables';
import type { TlsIdentity } from '../../system/tls-certificate';

export interface BillingConfig {
  port: number;
  host: string;
  tableName: string;
  /** The ledger's transactions and idempotency keys (BILLING_TRANSACTIONS_TABLE). */
  transactionsTableName: string;
  /** ISO 4217 currency of every account (BILLING_CURRENCY); the server's default, USD, when unset. */
  currency?: string;
  dynamoEndpoint?: string;
  drainTimeoutMs: number;
  /** TLS on the gRPC port (AWS: from the task's secret); absent → plaintext (`npm start`). */
  tls?: TlsIdentity;
}

export const TABLE_VARIABLE = tableEnvVar('billing-accounts');
export const TRANSACTIONS_TABLE_VARIABLE = tableEnvVar('billing-transactions');

function integer(env: NodeJS.ProcessEnv, variable: string, fallback: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new Error(`${variable} must be an integer from 0 to ${max}, not "${raw}"`);
  return value;
}

export function billingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BillingConfig {
  const tableName = env[TABLE_VARIABLE]?.trim();
  if (!tableName) throw new Error(`${TABLE_VARIABLE} must name the billing accounts table`);
  const transactionsTableName = env[TRANSACTIONS_TABLE_VARIABLE]?.trim();
  if (!transactionsTableName)
    throw new Error(`${TRANSACTIONS_TABLE_VARIABLE} must name the billing transactions table`);
  const currency = env.BILLING_CURRENCY?.trim();
  if (currency !== undefined && currency !== '' && !/^[A-Z]{3}$/.test(currency))
    throw new Error(`BILLING_CURRENCY must be an ISO 4217 code such as USD, not "${currency}"`);
  const dynamoEndpoint = env.DYNAMODB_ENDPOINT?.trim();
  const certificate = env.BILLING_TLS_CERT?.trim();
  const privateKey = env.BILLING_TLS_KEY?.trim();
  if (Boolean(certificate) !== Boolean(privateKey))
    throw new Error('BILLING_TLS_CERT and BILLING_TLS_KEY go together: set both for TLS, or neither');
  return {
    port: integer(env, 'BILLING_PORT', 9001, 65535),
    // Loopback unless told otherwise: the container image and the ECS task set BILLING_HOST=0.0.0.0.
    host: env.BILLING_HOST?.trim() || '127.0.0.1',
    tableName,
    transactionsTableName,
    ...(currency ? { currency } : {}),
    ...(dynamoEndpoint ? { dynamoEndpoint } : {}),
    drainTimeoutMs: integer(env, 'BILLING_DRAIN_TIMEOUT_MS', 10_000, 120_000),
    ...(certificate && privateKey ? { tls: { certificate, privateKey } } : {}),
  };
}
