/**
 * The transactional outbox's relay: the patients table's change stream → PatientEvent records on topic
 * "patient" (key: patient id). Kafka down → the whole batch fails and is retried (nothing lost;
 * consumers deduplicate on event id). Billing is none of its business (open-billing.ts reads
 * the same stream), so a billing outage neither delays nor repeats an event.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { PatientEvent } from '../../../proto/gen/patient_event';
import { logger } from '../../commons/logger';
import { publish } from '../../commons/clients/kafka-producer';
import type { TopicName } from '../../../system/events';
import { changeOf, toPatientEvent } from './patient-events';

const TOPIC: TopicName = 'patient';

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const messages = event.Records.flatMap((record) => {
    const change = changeOf(record);
    const patientEvent = change ? toPatientEvent(change) : null;
    if (!patientEvent) return [];
    return [
      {
        key: patientEvent.patientId,
        value: Buffer.from(PatientEvent.encode(patientEvent).finish()),
        headers: {
          eventType: patientEvent.eventType,
          eventId: patientEvent.eventId,
          schemaVersion: String(patientEvent.schemaVersion),
        },
      },
    ];
  });
  await publish(TOPIC, messages);
  logger.info('Stream batch published', { records: event.Records.length, events: messages.length });
  return { batchItemFailures: [] };
}
