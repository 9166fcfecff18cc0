/**
 * Reads the billing tables' stream records and turns an opened account or a recorded transaction into
 * the BillingEvent published on topic "billing" (contract v2 · Billing events). The event's id was
 * written with the item (the tables' streams are the outbox), so a redelivered record makes the same event.
 * Balance updates of the account item, idempotency keys and removals are not events. No SDK client, no Kafka.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { BillingEvent } from '../../../proto/gen/billing_event';

type Image = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const whole = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) ? value : 0);

/** The BillingEvent a stream record carries, or null when it carries none. */
export function toBillingEvent(record: DynamoDBRecord): BillingEvent | null {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return null;
  const item = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>) as Image;
  const fallbackId = record.eventID ?? `${text(item.patientId)}:${record.dynamodb.SequenceNumber ?? ''}`;
  if (item.entity === 'TRANSACTION') {
    return {
      eventId: text(item.eventId) || fallbackId,
      eventType: 'TRANSACTION_RECORDED',
      accountId: text(item.accountId),
      patientId: text(item.patientId),
      transactionId: text(item.transactionId),
      transactionType: text(item.type),
      amount: whole(item.amount),
      currency: text(item.currency),
      balanceAfter: whole(item.balanceAfter),
      occurredAt: text(item.createdAt),
    };
  }
  // An account item (billing-accounts: no entity attribute, keyed by patientId).
  if (item.entity === undefined && typeof item.accountId === 'string' && typeof item.patientId === 'string') {
    return {
      eventId: text(item.openedEventId) || fallbackId,
      eventType: 'ACCOUNT_OPENED',
      accountId: item.accountId,
      patientId: item.patientId,
      transactionId: '',
      transactionType: '',
      amount: 0,
      currency: text(item.currency),
      balanceAfter: whole(item.balance),
      occurredAt: text(item.createdAt),
    };
  }
  return null;
}
