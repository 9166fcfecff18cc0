/**
 * The analytics consumer's Kafka event source mapping: CDK configures the MSK event source with these
 * values and the local Kafka poller honours the same ones.
 */
export const ANALYTICS_EVENT_SOURCE = {
  topic: 'patient',
  groupId: 'analytics-consumer',
  /** Records per invocation at most (Lambda's default for Kafka sources). */
  batchSize: 100,
  /** How long to gather records before invoking (Lambda's default batching window for Kafka). */
  batchWindowMs: 500,
  /** Partitions of the topic, where the project creates it (locally, and on a provisioned cluster). */
  partitions: 3,
} as const;

/**
 * The analytics consumer's second event source mapping: topic "billing" (key: patient id, value
 * billing.events.BillingEvent). Its own consumer group: a Kafka event source mapping reads one topic, and
 * two mappings must not share a group.
 */
export const BILLING_EVENT_SOURCE = {
  ...ANALYTICS_EVENT_SOURCE,
  topic: 'billing',
  groupId: 'analytics-consumer-billing',
} as const;
