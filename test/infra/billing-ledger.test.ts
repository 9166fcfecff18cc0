/**
 * CDK assertions for the billing ledger (profile aws, bundling skipped): its table and streams, the billing
 * task's access, the outbox reader on both billing streams, topic "billing" and the analytics consumer's
 * mapping on it, the billing routes' function, and the dashboard and alarm.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, type Deployment } from '../../infra/app';
import { BILLING_EVENT_SOURCE } from '../../system/events';

let deployment: Deployment;
const template = (stack: 'stateful' | 'messaging' | 'billing' | 'api' | 'observability') =>
  Template.fromStack(deployment[stack]!);

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], profile: 'aws' } });
  deployment = buildApp(app);
  app.synth(); // throws on any unacknowledged cdk-nag finding
});

it('keeps the ledger in its own table (pk, sk), and streams both billing tables (the outbox)', () => {
  const stateful = template('stateful');
  stateful.hasResourceProperties('AWS::DynamoDB::Table', {
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  });
  stateful.hasResourceProperties('AWS::DynamoDB::Table', {
    KeySchema: [{ AttributeName: 'patientId', KeyType: 'HASH' }],
    StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
});

it('gives the billing task the ledger table by name, and only the item actions it uses (no Scan, no Delete)', () => {
  const billing = template('billing');
  billing.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: [
      Match.objectLike({ Environment: Match.arrayWith([Match.objectLike({ Name: 'BILLING_TRANSACTIONS_TABLE' })]) }),
    ],
  });
  const actions = Object.values(billing.findResources('AWS::IAM::Policy')).flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat()),
  );
  expect(actions).toEqual(
    expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query']),
  );
  expect(actions.filter((a) => /dynamodb:(Scan|DeleteItem|BatchWriteItem)/.test(a))).toEqual([]);
});

it('creates topic billing and reads both billing streams into the billing publisher', () => {
  template('messaging').hasResourceProperties('AWS::CloudFormation::CustomResource', { Topic: 'billing' });
  const api = template('api');
  const streamMappings = Object.values(api.findResources('AWS::Lambda::EventSourceMapping')).filter((m) =>
    JSON.stringify(m.Properties.FunctionName).includes('Fnbillingpublisher'),
  );
  expect(streamMappings).toHaveLength(2);
  for (const m of streamMappings)
    expect(m.Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    Topics: [BILLING_EVENT_SOURCE.topic],
    AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: BILLING_EVENT_SOURCE.groupId },
  });
});

it('lets the publisher write topic billing and the consumer read it with its own group, on exactly those ARNs', () => {
  const policies = Object.entries(template('api').findResources('AWS::IAM::Policy'));
  const policyOf = (prefix: string) => JSON.stringify(policies.find(([id]) => id.startsWith(prefix))?.[1] ?? {});
  // The ARNs are joined at deploy time: …:topic/patient-events-dev/<cluster uuid>/billing.
  expect(policyOf('Fnbillingpublisher').includes('"/billing"')).toBe(true);
  expect(policyOf('Fnbillingpublisher').includes('kafka-cluster:WriteData')).toBe(true);
  expect(policyOf('Fnanalyticsconsumer').includes('"/analytics-consumer-billing"')).toBe(true);
  expect(policyOf('Fnpublisher').includes('"/billing"')).toBe(false);
});

it('serves the billing routes from billing-api, which knows where billing is and trusts its certificate', () => {
  const api = template('api');
  const fn = Object.entries(api.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('Fnbillingapi'));
  expect(fn).toBeDefined();
  expect(Object.keys(fn![1].Properties.Environment.Variables)).toEqual(
    expect.arrayContaining(['BILLING_ADDRESS', 'BILLING_TLS_CA', 'PATIENTS_TABLE', 'AUDIT_TABLE']),
  );
  api.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', AuthorizationType: 'CUSTOM' });
});

it('shows the billing figures on the dashboard and alarms when the billing publisher falls behind', () => {
  const observability = template('observability');
  const body = JSON.stringify(observability.findResources('AWS::CloudWatch::Dashboard'));
  for (const metric of [
    'BillingCharged',
    'BillingPaid',
    'BillingRefunded',
    'BillingOutstanding',
    'BillingAccountsOpened',
  ])
    expect(body).toContain(metric);
  observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'IteratorAge',
    AlarmDescription: Match.stringLikeRegexp('billing-publisher'),
  });
});
