/**
 * Deployment tiers (`-c tier=small|medium|large`, or TIER; default small): every setting that scales with
 * traffic, chosen together. An explicit setting (`-c billingMinTasks=…`, `-c apiThrottleRate=…`, …) still
 * overrides its tier's value (infra/config.ts).
 *
 * `large` is the design load: 10,000 patient writes/s and 100,000 reads/s. It needs AWS quotas raised first
 * (Service Quotas, per account and region): API Gateway's throttle rate (10,000 requests/s by default) and
 * Lambda concurrent executions (1,000 by default; at ~110,000 requests/s, each authorized and handled in
 * tens of ms, ~10,000 executions are busy). The tables are on-demand: nothing to set there, but a new table
 * starts at 4,000 writes/s and 12,000 reads/s and doubles as traffic grows (pre-warm it with warm throughput
 * before a launch at full load).
 *
 * Plain data: no aws-cdk-lib import.
 */
import type { FunctionName } from '../system/functions';

export const TIERS = ['small', 'medium', 'large'] as const;
export type Tier = (typeof TIERS)[number];

export interface TierSettings {
  /** The API stage's throttle across all clients: requests per second, and burst (the bucket). */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Each POST auth route's throttle (login, sign-up, refresh): below the stage's. */
  authThrottle: { rateLimit: number; burstLimit: number };
  /** Fargate tasks of the billing service: at least two, one per availability zone; CPU scaling up to the max. */
  billingMinTasks: number;
  billingMaxTasks: number;
  /**
   * Write shards of the audit trail's system-wide index. Shards may grow and never shrink (entries in shards
   * above N would no longer be listed): no tier has fewer than the 128 every deployment had before tiers, and a
   * deployment moved to a smaller tier must keep its count (`-c auditShards=…`).
   */
  auditShards: number;
  /**
   * Write shards of the patients' list and state index (list) and name/email search index (search), as
   * functions/patients/adapters/patient-items.ts explains; like the audit's, they may grow and never shrink.
   */
  patientShards: { list: number; search: number };
  /**
   * Partitions of each Kafka topic on MSK: one consumer per partition counts ~1,000 events/s, and analytics
   * keeps an aggregate item per partition. Partitions may be added (the topic creator grows a topic), never removed.
   */
  topicPartitions: number;
  /** Executions reserved for (and capping) the password-hashing auth function. */
  authReservedConcurrency: number;
  /**
   * Memory (and with it CPU) of the functions on every request's path, where it shortens each call and so the
   * executions held at a given rate; never below a definition's own (system/functions.ts).
   */
  memory: Partial<Record<FunctionName, number>>;
  /** Alarm thresholds that grow with traffic (the same count is noise at a larger rate). */
  alarms: {
    /** API 5xx answers in 5 minutes. */
    api5xx: number;
    /** Kafka consumer offset lag (records). */
    kafkaLag: number;
    /** DynamoDB throttled requests per table or index in 5 minutes (the SDK retries them; many are a hot key or a quota). */
    dynamoThrottles: number;
  };
}

/**
 * The same in every tier: 32 list shards and 64 search shards take the design load (each shard ~310 and
 * ~470 writes/s), a page reads every shard for a few read units, and no tier change ever has to shrink them.
 */
const PATIENT_SHARDS = { list: 32, search: 64 };

export const TIER_SETTINGS: Record<Tier, TierSettings> = {
  // Development and small clinics: today's settings, with billing in two availability zones.
  small: {
    apiThrottle: { rateLimit: 200, burstLimit: 400 },
    authThrottle: { rateLimit: 10, burstLimit: 20 },
    billingMinTasks: 2,
    billingMaxTasks: 4,
    auditShards: 128,
    patientShards: PATIENT_SHARDS,
    topicPartitions: 3,
    authReservedConcurrency: 20,
    memory: {},
    alarms: { api5xx: 5, kafkaLag: 1_000, dynamoThrottles: 1 },
  },
  // A region's worth of clinics: up to the default account throttle (10,000 requests/s).
  medium: {
    apiThrottle: { rateLimit: 10_000, burstLimit: 5_000 },
    authThrottle: { rateLimit: 50, burstLimit: 100 },
    billingMinTasks: 4,
    billingMaxTasks: 16,
    auditShards: 128,
    patientShards: PATIENT_SHARDS,
    topicPartitions: 6,
    authReservedConcurrency: 50,
    // The authorizer verifies an ES256 signature on every request; the patients function serves most of them.
    memory: { authorizer: 512, patients: 1024 },
    alarms: { api5xx: 25, kafkaLag: 10_000, dynamoThrottles: 10 },
  },
  // The design load: 10,000 writes/s and 100,000 reads/s (110,000 requests/s, with headroom).
  large: {
    apiThrottle: { rateLimit: 120_000, burstLimit: 20_000 },
    authThrottle: { rateLimit: 200, burstLimit: 400 },
    billingMinTasks: 8,
    billingMaxTasks: 40,
    // ~110,000 audited requests/s over 256 shards: ~430 writes/s each, under half a partition's 1,000.
    auditShards: 256,
    patientShards: PATIENT_SHARDS,
    topicPartitions: 12,
    authReservedConcurrency: 200,
    memory: { authorizer: 1024, patients: 1769, 'billing-api': 1024 }, // 1,769 MB: one full vCPU
    alarms: { api5xx: 100, kafkaLag: 100_000, dynamoThrottles: 50 },
  },
};
