/**
 * CloudFormation custom resource (Provider framework): creates a Kafka topic on MSK Serverless with the
 * kafkajs admin client over IAM auth. Topics are kept on delete: their events are the system's history.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Kafka, logLevel } from 'kafkajs';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';

export async function handler(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string }> {
  const { Brokers, Topic, Partitions } = event.ResourceProperties as unknown as { Brokers: string; Topic: string; Partitions: string };
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const kafka = new Kafka({
    clientId: 'topic-creator', brokers: Brokers.split(','), ssl: true, logLevel: logLevel.WARN,
    sasl: {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region: process.env.AWS_REGION ?? 'us-east-1' })).token }),
    },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(Topic)) {
      await admin.createTopics({ topics: [{ topic: Topic, numPartitions: Number(Partitions) }], waitForLeaders: true });
    }
  } finally {
    await admin.disconnect();
  }
  return { PhysicalResourceId: `topic:${Topic}` };
}
