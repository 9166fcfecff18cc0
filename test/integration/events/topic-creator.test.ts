/**
 * The deploy-time topic custom resource (functions/custom-resources/create-topic.ts) against the local
 * broker in plaintext, as the LocalStack community profile runs it; and a broker that advertises the
 * host name containers must use to reach it.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { handler } from '../../../functions/custom-resources/create-topic';
import type { Broker } from '../../../local/broker';
import { kafkaFor, startTestBroker, tempDataDir } from '../broker/support';

const dataDir = tempDataDir();
let broker: Broker;

beforeAll(async () => {
  broker = await startTestBroker(dataDir.path, { autoCreateTopics: false, advertisedHost: 'localhost' });
});
afterAll(async () => {
  await broker.stop();
  dataDir.remove();
});

const event = (type: 'Create' | 'Update' | 'Delete', topic: string): CloudFormationCustomResourceEvent =>
  ({
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://example.com',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Pms-dev-Messaging/1',
    RequestId: 'r-1',
    LogicalResourceId: 'PatientTopic',
    ResourceType: 'AWS::CloudFormation::CustomResource',
    ResourceProperties: {
      ServiceToken: 'x',
      Brokers: `127.0.0.1:${broker.port}`,
      Auth: 'none',
      Topic: topic,
      Partitions: '3',
    },
    ...(type === 'Create' ? {} : { PhysicalResourceId: `topic:${topic}`, OldResourceProperties: {} }),
  }) as CloudFormationCustomResourceEvent;

it('advertises the configured host to clients', async () => {
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    expect(brokers.map((b) => `${b.host}:${b.port}`)).toEqual([`localhost:${broker.port}`]);
  } finally {
    await admin.disconnect();
  }
});

it('creates the topic with its partitions, leaves it alone on update and keeps it on delete', async () => {
  expect(await handler(event('Create', 'patient-ct'))).toEqual({ PhysicalResourceId: 'topic:patient-ct' });
  expect(await handler(event('Update', 'patient-ct'))).toEqual({ PhysicalResourceId: 'topic:patient-ct' });
  expect(await handler(event('Delete', 'patient-ct'))).toEqual({ PhysicalResourceId: 'topic:patient-ct' });
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: ['patient-ct'] })).topics;
    expect(metadata?.partitions).toHaveLength(3);
  } finally {
    await admin.disconnect();
  }
});
