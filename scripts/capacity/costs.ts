/**
 * A monthly cost estimate per component, at a load sustained for a whole month (730 hours), from the
 * measured units and list prices. An estimate for comparing loads and designs, not a bill: free tiers,
 * savings plans, data transfer, NAT, KMS, Secrets Manager and WAF are left out.
 */
import { functions, type FunctionName } from '../../system/functions';
import { TOPICS } from '../../system/events';
import type { Operation } from './operation';
import type { Load } from './workload';

/** List prices, us-east-1, as published 2026 (each service's AWS pricing page). */
export const PRICES = {
  /** DynamoDB on-demand: per write request unit ($0.625 per million). */
  dynamoWriteRequestUnit: 0.625 / 1e6,
  /** DynamoDB on-demand: per read request unit ($0.125 per million). */
  dynamoReadRequestUnit: 0.125 / 1e6,
  /** DynamoDB Standard table class storage, per GB-month. */
  dynamoStorageGbMonth: 0.25,
  /** Lambda, per GB-second: the x86 price (the functions run on arm64, 20% cheaper: an upper bound). */
  lambdaGbSecond: 0.0000166667,
  /** Lambda, per request ($0.20 per million). */
  lambdaRequest: 0.2 / 1e6,
  /** API Gateway REST API, per request ($3.50 per million, first tier). */
  apiGatewayRestRequest: 3.5 / 1e6,
  /** MSK Serverless: per cluster-hour. */
  mskServerlessClusterHour: 0.75,
  /** MSK Serverless: per partition-hour. */
  mskServerlessPartitionHour: 0.0015,
  /** MSK Serverless: per GB written (data in). */
  mskServerlessGbIn: 0.1,
  /** Fargate (Linux/x86): per vCPU-hour (an upper bound for an ARM task, ~20% cheaper). */
  fargateVcpuHour: 0.04048,
  /** Fargate: per GB-hour of memory. */
  fargateGbHour: 0.004445,
  /** CloudWatch Logs: per GB ingested. */
  cloudWatchLogsGbIngested: 0.5,
  /** CloudWatch: per custom metric-month (first 10,000). */
  cloudWatchMetricMonth: 0.3,
  /** CloudWatch: per dashboard-month (beyond the free three; charged here). */
  cloudWatchDashboardMonth: 3,
  /** CloudWatch: per standard-resolution alarm-month. */
  cloudWatchAlarmMonth: 0.1,
} as const;

export const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

// Assumptions, each with where it comes from.
/** Memory of a function that sets none (infra/constructs/service-function.ts). */
const DEFAULT_LAMBDA_MB = 512;
/** The billing service's task size (infra/stacks/billing-stack.ts: cpu 512, memoryLimitMiB 1024). */
const BILLING_TASK = { vcpu: 0.5, gb: 1 };
/** gRPC calls one billing task serves per second (bench/RESULTS.md: ~475 CreateBillingAccount/s on 2 cores, DynamoDB-bound). */
const BILLING_CALLS_PER_TASK = 500;
/** Log bytes per Lambda invocation: one structured line, and Lambda's START/END/REPORT lines. */
const LOG_BYTES_PER_INVOCATION = 700;
/** Stream readers: billed milliseconds per batch of stream records (assumptions). */
const STREAM_READERS: { fn: FunctionName; table: string; ms: number }[] = [
  { fn: 'publisher', table: 'patients', ms: 100 },
  { fn: 'pending-billing', table: 'patients', ms: 30 },
  { fn: 'billing-publisher', table: 'billing-accounts', ms: 100 },
  { fn: 'billing-publisher', table: 'billing-transactions', ms: 100 },
];
/** Custom metrics the consumer emits (EMF: per state, age band and gender; per currency) and the alarms. */
const CUSTOM_METRICS = 130;
const DASHBOARDS = 2;
const ALARMS = 15;

export interface CostLine {
  component: string;
  item: string;
  /** Dollars per month. */
  monthly: number;
  note?: string;
}

const perMonth = (perSecond: number, price: number) => perSecond * SECONDS_PER_MONTH * price;

function batchSizeOf(fn: FunctionName): number {
  const trigger = functions[fn].trigger;
  return trigger.kind === 'table-streams' ? trigger.batchSize : 1;
}

export interface BillingTasks {
  needed: number;
  min: number;
  max: number;
}

export function monthlyCosts(
  operations: Operation[],
  load: Load,
  deployment: {
    billingMinTasks: number;
    billingMaxTasks: number;
    functionMemory: Partial<Record<FunctionName, number>>;
    topicPartitions: number;
  },
): { lines: CostLine[]; billingTasks: BillingTasks } {
  const lines: CostLine[] = [];
  // DynamoDB, per table: request units and the storage a month of this load adds (TTL'd items counted: an upper bound).
  const tables = new Map<string, { write: number; read: number; bytes: number }>();
  const streamRecords: Record<string, number> = {};
  const invocations = new Map<FunctionName, { perSecond: number; gbSeconds: number }>();
  const invoke = (fn: FunctionName, perSecond: number, ms: number) => {
    const entry = invocations.get(fn) ?? { perSecond: 0, gbSeconds: 0 };
    entry.perSecond += perSecond;
    // The tier's memory, never below the definition's (infra/config.ts functionMemory).
    const mb = Math.max(deployment.functionMemory[fn] ?? 0, functions[fn].memorySize ?? DEFAULT_LAMBDA_MB);
    entry.gbSeconds += perSecond * (ms / 1000) * (mb / 1024);
    invocations.set(fn, entry);
  };
  let apiRequests = 0;
  let grpcCalls = 0;
  const kafkaBytes = { patient: 0, billing: 0 };
  for (const op of operations) {
    const rate = op.rate(load);
    const profile = op.profile(load);
    for (const k of profile.keys.values()) {
      const t = tables.get(k.table) ?? { write: 0, read: 0, bytes: 0 };
      t.write += rate * k.write;
      t.read += rate * k.read;
      tables.set(k.table, t);
    }
    for (const [table, bytes] of Object.entries(profile.storedBytes)) {
      const t = tables.get(table) ?? { write: 0, read: 0, bytes: 0 };
      t.bytes += rate * bytes * SECONDS_PER_MONTH;
      tables.set(table, t);
    }
    for (const [table, records] of Object.entries(profile.streamRecords))
      streamRecords[table] = (streamRecords[table] ?? 0) + rate * records;
    if (op.request) apiRequests += rate;
    if (op.lambda) invoke(op.lambda.fn, rate, op.lambda.ms);
    if (op.component === 'billing') grpcCalls += rate;
    if (op.events) {
      const e = op.events(load);
      kafkaBytes[e.topic] += rate * e.count * e.bytes;
    }
  }
  for (const reader of STREAM_READERS)
    invoke(reader.fn, (streamRecords[reader.table] ?? 0) / batchSizeOf(reader.fn), reader.ms);

  for (const [table, t] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
    const requests = perMonth(t.write, PRICES.dynamoWriteRequestUnit) + perMonth(t.read, PRICES.dynamoReadRequestUnit);
    const storage = Math.max(0, t.bytes / 1e9) * PRICES.dynamoStorageGbMonth;
    lines.push({
      component: 'DynamoDB',
      item: table,
      monthly: requests + storage,
      note: `${fmt(t.write)} WRU/s, ${fmt(t.read)} RRU/s, +${fmt(t.bytes / 1e9)} GB/month`,
    });
  }
  for (const [fn, use] of [...invocations].sort(([a], [b]) => a.localeCompare(b)))
    lines.push({
      component: 'Lambda',
      item: fn,
      monthly: perMonth(use.gbSeconds, PRICES.lambdaGbSecond) + perMonth(use.perSecond, PRICES.lambdaRequest),
      note: `${fmt(use.perSecond)} invocations/s`,
    });
  lines.push({
    component: 'API Gateway',
    item: 'REST requests',
    monthly: perMonth(apiRequests, PRICES.apiGatewayRestRequest),
    note: `${fmt(apiRequests)} requests/s`,
  });
  const partitions = Object.keys(TOPICS).length * deployment.topicPartitions;
  const gbIn = ((kafkaBytes.patient + kafkaBytes.billing) * SECONDS_PER_MONTH) / 1e9;
  lines.push({
    component: 'MSK Serverless',
    item: `cluster, ${partitions} partitions, data in`,
    monthly:
      HOURS_PER_MONTH * (PRICES.mskServerlessClusterHour + partitions * PRICES.mskServerlessPartitionHour) +
      gbIn * PRICES.mskServerlessGbIn,
    note: `${fmt(gbIn)} GB in/month`,
  });
  const needed = Math.max(deployment.billingMinTasks, Math.ceil(grpcCalls / BILLING_CALLS_PER_TASK));
  lines.push({
    component: 'Fargate',
    item: `billing service, ${needed} task${needed === 1 ? '' : 's'}`,
    monthly:
      needed * HOURS_PER_MONTH * (BILLING_TASK.vcpu * PRICES.fargateVcpuHour + BILLING_TASK.gb * PRICES.fargateGbHour),
    note: `${fmt(grpcCalls)} gRPC calls/s`,
  });
  const allInvocations = [...invocations.values()].reduce((sum, u) => sum + u.perSecond, 0);
  const logGb = (allInvocations * LOG_BYTES_PER_INVOCATION * SECONDS_PER_MONTH) / 1e9;
  lines.push({
    component: 'CloudWatch',
    item: 'logs, metrics, dashboards, alarms',
    monthly:
      logGb * PRICES.cloudWatchLogsGbIngested +
      CUSTOM_METRICS * PRICES.cloudWatchMetricMonth +
      DASHBOARDS * PRICES.cloudWatchDashboardMonth +
      ALARMS * PRICES.cloudWatchAlarmMonth,
    note: `${fmt(logGb)} GB logs/month`,
  });
  return {
    lines,
    billingTasks: { needed, min: deployment.billingMinTasks, max: deployment.billingMaxTasks },
  };
}

export function fmt(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}
