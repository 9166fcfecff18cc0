/**
 * The one way this code base builds a kafkajs client. On MSK: IAM auth (SASL OAUTHBEARER with a signed
 * token) over TLS. Against a self-managed broker (`npm start`, the LocalStack community profile): plaintext.
 */
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import type { KafkaAuth } from '../../../system/events';
import { mskAuthToken } from './msk-token';

export type { KafkaAuth };

/** KAFKA_AUTH as set by the deployment: a typo must not silently mean plaintext. */
export function kafkaAuthOf(value: string | undefined): KafkaAuth {
  if (value === 'iam' || value === 'none') return value;
  throw new Error(`KAFKA_AUTH must be iam or none, not "${value ?? ''}"`);
}

export function kafkaClient(
  clientId: string,
  brokers: string[],
  auth: KafkaAuth,
  options: Partial<KafkaConfig> = {},
): Kafka {
  if (brokers.length === 0) throw new Error('No Kafka brokers given');
  const iam = auth === 'iam';
  return new Kafka({
    clientId,
    brokers,
    ssl: iam,
    sasl: iam
      ? {
          mechanism: 'oauthbearer',
          oauthBearerProvider: async () => ({
            value: await mskAuthToken(process.env.AWS_REGION ?? 'us-east-1'),
          }),
        }
      : undefined,
    logLevel: logLevel.NOTHING,
    ...options,
  });
}

/** A comma-separated broker list as kafkajs wants it. */
export const brokerList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
