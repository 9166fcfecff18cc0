/** The billing server's configuration, from environment variables (the container's and `npm start`'s). */
import { tableEnvVar } from '../../infra/definitions/tables';

export interface BillingConfig {
  port: number;
  host: string;
  tableName: string;
  dynamoEndpoint?: string;
  drainTimeoutMs: number;
}

export const TABLE_VARIABLE = tableEnvVar('billing-accounts');

function integer(env: NodeJS.ProcessEnv, variable: string, fallback: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`${variable} must be an integer from 0 to ${max}, not "${raw}"`);
  return value;
}

export function billingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BillingConfig {
  const tableName = env[TABLE_VARIABLE]?.trim();
  if (!tableName) throw new Error(`${TABLE_VARIABLE} must name the billing accounts table`);
  const dynamoEndpoint = env.DYNAMODB_ENDPOINT?.trim();
  return {
    port: integer(env, 'BILLING_PORT', 9001, 65535),
    host: env.BILLING_HOST?.trim() || '0.0.0.0',
    tableName,
    ...(dynamoEndpoint ? { dynamoEndpoint } : {}),
    drainTimeoutMs: integer(env, 'BILLING_DRAIN_TIMEOUT_MS', 10_000, 120_000),
  };
}
