/**
 * The Kafka topics and the event source mappings that read them. The CDK messaging stack creates the topics,
 * the function definitions (system/functions.ts) name who writes and who reads them, and the local runtime's
 * Kafka poller honours the same mapping settings as Lambda's.
 */
export type TopicName = 'patient' | 'billing';

/** A topic: its value type, and its partitions where the project creates it (locally, and on a provisioned cluster). */
export const TOPICS: Record<TopicName, { value: string; partitions: number }> = {
  patient: { value: 'patient.events.PatientEvent', partitions: 3 },
  billing: { value: 'billing.events.BillingEvent', partitions: 3 },
};

/** One Kafka event source mapping: a topic, read by one consumer group. */
export interface KafkaSource {
  topic: TopicName;
  groupId: string;
  /** Records per invocation at most (Lambda's default for Kafka sources). */
  batchSize: number;
  /** How long to gather records before invoking (Lambda's default batching window for Kafka). */
  batchWindowMs: number;
  partitions: number;
}

/** The analytics consumer's mapping on topic "patient" (key: patient id, value patient.events.PatientEvent). */
export const ANALYTICS_EVENT_SOURCE = {
  topic: 'patient',
  groupId: 'analytics-consumer',
  batchSize: 100,
  batchWindowMs: 500,
  partitions: TOPICS.patient.partitions,
} as const satisfies KafkaSource;

/**
 * The analytics consumer's second mapping, on topic "billing" (key: patient id, value billing.events.BillingEvent).
 * Its own consumer group: a Kafka event source mapping reads one topic, and two mappings must not share a group.
 */
export const BILLING_EVENT_SOURCE = {
  ...ANALYTICS_EVENT_SOURCE,
  topic: 'billing',
  groupId: 'analytics-consumer-billing',
  partitions: TOPICS.billing.partitions,
} as const satisfies KafkaSource;

/** How clients authenticate to the brokers: IAM (SASL OAUTHBEARER over TLS, MSK) or not at all (plaintext, local). */
export type KafkaAuth = 'iam' | 'none';
