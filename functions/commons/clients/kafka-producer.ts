/**
 * One idempotent kafkajs producer per container, reused across invocations. On MSK it authenticates
 * with IAM (SASL OAUTHBEARER over TLS); locally it speaks plaintext to the project's broker.
 */
import type { Producer } from 'kafkajs';
import { brokerList, kafkaAuthOf, kafkaClient } from './kafka';

export interface OutgoingMessage {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

let producer: Producer | undefined;
let connecting: Promise<Producer> | undefined;

function kafka() {
  const brokers = brokerList(process.env.KAFKA_BROKERS);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set');
  return kafkaClient('patient-publisher', brokers, kafkaAuthOf(process.env.KAFKA_AUTH), {
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200 },
  });
}

async function connectedProducer(): Promise<Producer> {
  if (producer) return producer;
  connecting ??= (async () => {
    const p = kafka().producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    try {
      await p.connect();
    } catch (error) {
      await p.disconnect().catch(() => undefined);
      throw error;
    }
    producer = p;
    return p;
  })().finally(() => {
    connecting = undefined;
  });
  return connecting;
}

/** Sends in order and waits for every in-sync replica (acks -1). A failure drops the connection for a fresh one. */
export async function publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const p = await connectedProducer();
  try {
    await p.send({ topic, acks: -1, messages });
  } catch (error) {
    producer = undefined;
    await p.disconnect().catch(() => undefined);
    throw error;
  }
}

export async function closeProducer(): Promise<void> {
  const p = producer;
  producer = undefined;
  await p?.disconnect().catch(() => undefined);
}
