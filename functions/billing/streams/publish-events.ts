/**
 * The billing outbox's relay: the streams of the billing tables (billing-accounts, billing-transactions) →
 * BillingEvent records on topic "billing" (key: patient id). Kafka down → the whole batch fails and is
 * retried (nothing lost; consumers deduplicate on event id), as the patients stream's publisher does.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { BillingEvent } from '../../../proto/gen/billing_event';
import type { TopicName } from '../../../system/events';
import { logger } from '../../commons/logger';
import { toBillingEvent } from './billing-events';
import { publish } from '../../commons/clients/kafka-producer';

const TOPIC: TopicName = 'billing';

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const messages = event.Records.flatMap((record) => {
    const billingEvent = toBillingEvent(record);
    if (!billingEvent) return [];
    return [
      {
        key: billingEvent.patientId,
        value: Buffer.from(BillingEvent.encode(billingEvent).finish()),
        headers: { eventType: billingEvent.eventType, eventId: billingEvent.eventId },
      },
    ];
  });
  await publish(TOPIC, messages);
  logger.info('Billing stream batch published', { records: event.Records.length, events: messages.length });
  return { batchItemFailures: [] };
}
