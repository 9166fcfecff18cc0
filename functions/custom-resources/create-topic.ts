/**
 * CloudFormation custom resource (Provider framework): creates a Kafka topic with the kafkajs admin
 * client, on MSK over IAM auth or on a self-managed broker in plaintext (LocalStack), and gives it the
 * partitions the deployment names: more are added (Kafka cannot take any away, so fewer fail the deploy).
 * Topics are kept on delete: their events are the system's history. `npm run deploy:localstack` calls
 * the same handler where custom resources do not run.
 */
import type { Admin } from 'kafkajs';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { brokerList, kafkaAuthOf, kafkaClient } from '../commons/clients/kafka';

interface TopicProperties {
  Brokers: string;
  Topic: string;
  Partitions: string;
  Auth?: string;
}

type TopicAdmin = Pick<Admin, 'listTopics' | 'createTopics' | 'fetchTopicMetadata' | 'createPartitions'>;

/** Creates the topic, or grows it to `partitions`; what it did, for the deploy's log. */
export async function ensureTopic(
  admin: TopicAdmin,
  topic: string,
  partitions: number,
): Promise<'created' | 'grown' | 'unchanged'> {
  if (!(await admin.listTopics()).includes(topic)) {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    return 'created';
  }
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const current = metadata?.partitions.length ?? 0;
  if (current > partitions) {
    throw new Error(
      `Topic ${topic} has ${current} partitions and Kafka cannot remove any: deploy with ${current} or more, not ${partitions}`,
    );
  }
  if (current === partitions) return 'unchanged';
  // New partitions move keys: a patient's later event may be read before an earlier one still waiting in its
  // old partition. The analytics aggregates are sums of per-event deltas, counted once per event id: order-free.
  await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
  return 'grown';
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string }> {
  const { Brokers, Topic, Partitions, Auth } = event.ResourceProperties as unknown as TopicProperties;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const partitions = Number(Partitions);
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new Error(`Partitions must be a whole number above 0, not "${Partitions}"`);
  const admin = kafkaClient('topic-creator', brokerList(Brokers), kafkaAuthOf(Auth)).admin();
  await admin.connect();
  try {
    await ensureTopic(admin, Topic, partitions);
  } finally {
    await admin.disconnect();
  }
  return { PhysicalResourceId: `topic:${Topic}` };
}
