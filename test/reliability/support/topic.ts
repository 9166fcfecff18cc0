/** Reads topic "patient" from its beginning with a consumer group of its own, decoding every record. */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { PatientEvent } from '../../../proto/gen/patient_event';
import { eventually } from './runtime';

/**
 * Waits until `enough` holds for what was read (or the timeout passes), then reads on to the topic's end
 * offsets as they are at that moment, so what came after the wanted records (repeats, say) is read too.
 */
export async function readPatientTopic(
  brokers: string[],
  enough: (events: PatientEvent[]) => boolean,
  timeoutMs = 60_000,
): Promise<PatientEvent[]> {
  const events: PatientEvent[] = [];
  const kafka = new Kafka({ clientId: 'reliability', brokers, logLevel: logLevel.NOTHING });
  const reader = kafka.consumer({ groupId: `reliability-${randomUUID()}` });
  const admin = kafka.admin();
  const nextOffset = new Map<number, number>();
  await Promise.all([reader.connect(), admin.connect()]);
  try {
    await reader.subscribe({ topic: 'patient', fromBeginning: true });
    await reader.run({
      eachMessage: async ({ partition, message }) => {
        events.push(PatientEvent.decode(message.value!));
        nextOffset.set(partition, Number(message.offset) + 1);
      },
    });
    await eventually('the records wanted on topic patient', timeoutMs, async () =>
      enough(events) ? true : undefined,
    ).catch(() => undefined);
    const ends = await admin.fetchTopicOffsets('patient');
    await eventually('topic patient read to its end', timeoutMs, async () =>
      ends.every((p) => (nextOffset.get(p.partition) ?? 0) >= Number(p.high)) ? true : undefined,
    ).catch(() => undefined);
  } finally {
    await Promise.all([reader.disconnect(), admin.disconnect()]);
  }
  return events;
}
