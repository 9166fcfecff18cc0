/** Reads topic "patient" from its beginning with a consumer group of its own, decoding every record. */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { PatientEvent } from '../../../proto/gen/patient_event';
import { eventually } from './runtime';

/** Every record read until `enough` holds for what was read (or the timeout passes), in the order read. */
export async function readPatientTopic(brokers: string[], enough: (events: PatientEvent[]) => boolean, timeoutMs = 60_000): Promise<PatientEvent[]> {
  const events: PatientEvent[] = [];
  const reader = new Kafka({ clientId: 'reliability', brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `reliability-${randomUUID()}` });
  await reader.connect();
  try {
    await reader.subscribe({ topic: 'patient', fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => { events.push(PatientEvent.decode(message.value!)); } });
    await eventually('the records wanted on topic patient', timeoutMs, async () => (enough(events) ? true : undefined)).catch(() => undefined);
  } finally {
    await reader.disconnect();
  }
  return events;
}
