/**
 * The transactional outbox's relay: the patients table's change stream → PatientEvent records on topic
 * "patient" (key: patient id), then billing for patients that create could not bill.
 * Kafka down → the whole batch fails and is retried (nothing lost; consumers deduplicate on event id).
 * Billing down → the batch reports the first unbilled record, so the stream resumes there (at-least-once).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { PatientEvent } from '../../proto/gen/patient_event';
import { logger } from '../commons/logger';
import { billingCompletionPorts, completePendingBilling } from '../patients';
import { publish } from './kafka-producer';
import { isPatient, needsBilling, toPatientEvent, type PatientChange, type StoredPatient } from './patient-events';

const TOPIC = process.env.KAFKA_TOPIC ?? 'patient';

function image(value: Record<string, unknown> | undefined): StoredPatient | undefined {
  return value ? (unmarshall(value as Record<string, AttributeValue>) as StoredPatient) : undefined;
}

function changeOf(record: DynamoDBRecord): PatientChange | null {
  const oldImage = image(record.dynamodb?.OldImage);
  const newImage = image(record.dynamodb?.NewImage);
  if (!isPatient(newImage ?? oldImage)) return null; // email claims, search entries, markers
  // The record's own write time (ms precision); the stream's approximate time is rounded to the minute.
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  const occurredAt = newImage?.deletedAt ?? newImage?.updatedAt ?? (seconds ? new Date(seconds * 1000).toISOString() : new Date().toISOString());
  return { changeId: record.eventID ?? `${newImage?.id}:${record.dynamodb?.SequenceNumber}`, oldImage, newImage, occurredAt };
}

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const changes = event.Records.map((record) => ({ record, change: changeOf(record) }));
  const messages = changes.flatMap(({ change }) => {
    const patientEvent = change ? toPatientEvent(change) : null;
    if (!patientEvent) return [];
    return [{
      key: patientEvent.patientId,
      value: Buffer.from(PatientEvent.encode(patientEvent).finish()),
      headers: { eventType: patientEvent.eventType, eventId: patientEvent.eventId, schemaVersion: String(patientEvent.schemaVersion) },
    }];
  });
  await publish(TOPIC, messages);

  const billed = new Set<string>();
  for (const { record, change } of changes) {
    if (!change || !needsBilling(change) || billed.has(change.newImage!.id)) continue;
    billed.add(change.newImage!.id);
    try {
      const outcome = await completePendingBilling(change.newImage!.id, billingCompletionPorts());
      logger.info('Pending billing completed', { patientId: change.newImage!.id, outcome });
    } catch (error) {
      logger.warn('Billing still unreachable; the stream will retry from this record', { patientId: change.newImage!.id, errorName: (error as Error)?.name });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  logger.info('Stream batch published', { records: event.Records.length, events: messages.length });
  return { batchItemFailures: [] };
}
