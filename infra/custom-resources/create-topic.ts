/**
 * CloudFormation custom resource (Provider framework): creates a Kafka topic with the kafkajs admin
 * client, on MSK Serverless over IAM auth or on a self-managed broker in plaintext (LocalStack community
 * profile). Topics are kept on delete: their events are the system's history.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { brokerList, kafkaAuthOf, kafkaClient } from '../../functions/commons/clients/kafka';

interface TopicProperties { Brokers: string; Topic: string; Partitions: string; Auth?: string }

export async function handler(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string }> {
  const { Brokers, Topic, Partitions, Auth } = event.ResourceProperties as unknown as TopicProperties;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const admin = kafkaClient('topic-creator', brokerList(Brokers), kafkaAuthOf(Auth)).admin();
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
