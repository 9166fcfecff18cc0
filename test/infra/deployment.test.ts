/**
 * CDK assertions on the whole deployment, synthesized once (bundling skipped): security settings a
 * healthcare deployment must have, least privilege per function, the API from the route table, and
 * cdk-nag (AwsSolutions + HIPAA Security) with no unacknowledged finding.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, type Deployment } from '../../infra/app';
import { functions } from '../../infra/definitions/functions';
import { routes } from '../../infra/definitions/routes';
import { tables } from '../../infra/definitions/tables';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

describe('deployment', () => {
  let deployment: Deployment;
  const templates = {} as Record<keyof Omit<Deployment, 'config'>, Template>;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    deployment = buildApp(app);
    app.synth(); // throws on any cdk-nag finding that is not acknowledged with a reason
    for (const key of ['network', 'stateful', 'messaging', 'billing', 'api', 'observability'] as const) {
      templates[key] = Template.fromStack(deployment[key]);
    }
  });

  const all = () => Object.values(templates);
  const resourcesOf = (t: Template, type: string) => t.findResources(type) as Resources;

  it('synthesizes every stack with cdk-nag clean or acknowledged', () => {
    expect(Object.keys(templates)).toHaveLength(6);
  });

  it('creates every table of the definitions, KMS-encrypted with point-in-time recovery', () => {
    const found = resourcesOf(templates.stateful, 'AWS::DynamoDB::Table');
    expect(Object.keys(found)).toHaveLength(Object.keys(tables).length);
    for (const table of Object.values(found)) {
      expect(table.Properties.SSESpecification).toEqual(expect.objectContaining({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: expect.anything() }));
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
    templates.stateful.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } });
  });

  it('encrypts every log group, secret, queue and topic with KMS', () => {
    for (const t of [templates.stateful, templates.messaging, templates.billing, templates.api]) {
      for (const group of Object.values(resourcesOf(t, 'AWS::Logs::LogGroup'))) expect(group.Properties.KmsKeyId).toBeDefined();
    }
    for (const secret of Object.values(resourcesOf(templates.stateful, 'AWS::SecretsManager::Secret'))) expect(secret.Properties.KmsKeyId).toBeDefined();
    for (const queue of Object.values(resourcesOf(templates.api, 'AWS::SQS::Queue'))) expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    for (const topic of Object.values(resourcesOf(templates.observability, 'AWS::SNS::Topic'))) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('admits only TLS to queues and topics, and MSK only with IAM auth', () => {
    templates.api.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    templates.observability.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    templates.messaging.hasResourceProperties('AWS::MSK::ServerlessCluster', { ClientAuthentication: { Sasl: { Iam: { Enabled: true } } } });
  });

  it('grants no wildcard action on data resources', () => {
    for (const t of all()) {
      for (const policy of Object.values(resourcesOf(t, 'AWS::IAM::Policy'))) {
        const statements = (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement;
        for (const { Action } of statements) {
          for (const action of ([] as string[]).concat(Action)) expect(action).not.toMatch(/^(\*|dynamodb:\*|secretsmanager:\*|kafka-cluster:\*|kms:\*)$/);
        }
      }
    }
  });

  it('lets each function reach only the tables its definition names', () => {
    const policies = Object.values(resourcesOf(templates.api, 'AWS::IAM::Policy'));
    const tableIds = Object.fromEntries(Object.keys(tables).map((name) => [name, `Table${name.replace(/-/g, '')}`]));
    for (const def of Object.values(functions)) {
      const fnPolicies = policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(`Fn${def.name.replace(/-/g, '')}Function`));
      expect(fnPolicies.length).toBeGreaterThan(0);
      const text = JSON.stringify(fnPolicies);
      for (const [name, id] of Object.entries(tableIds)) {
        if (name in def.tables) expect(text).toContain(id);
        else expect(text).not.toContain(id);
      }
    }
  });

  it('keeps the signing secret from every function but auth, the authorizer included', () => {
    const policies = Object.values(resourcesOf(templates.api, 'AWS::IAM::Policy'));
    const readers = policies.filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('SigningKeys'));
    expect(readers.length).toBeGreaterThan(0);
    for (const policy of readers) expect(JSON.stringify(policy.Properties.Roles)).toContain('FnauthFunction');
    const authorizerPolicies = policies.filter((p) => JSON.stringify(p.Properties.Roles).includes('FnauthorizerFunction'));
    expect(JSON.stringify(authorizerPolicies)).not.toContain('secretsmanager:');
  });

  it('serves every route of the route table, with the TOKEN authorizer (no cache) where a route needs it', () => {
    const methods = Object.values(resourcesOf(templates.api, 'AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod !== 'OPTIONS');
    expect(methods).toHaveLength(routes.length);
    expect(methods.filter((m) => m.Properties.AuthorizationType === 'CUSTOM')).toHaveLength(routes.filter((r) => r.authorized).length);
    templates.api.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN', AuthorizerResultTtlInSeconds: 0, IdentitySource: 'method.request.header.Authorization' });
  });

  it('answers gateway errors in problem+json', () => {
    for (const type of ['UNAUTHORIZED', 'ACCESS_DENIED', 'REQUEST_TOO_LARGE', 'THROTTLED', 'DEFAULT_4XX', 'DEFAULT_5XX']) {
      templates.api.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type, ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      });
    }
  });

  it('logs access in JSON without bodies, and throttles the stage', () => {
    const [stage] = Object.values(resourcesOf(templates.api, 'AWS::ApiGateway::Stage'));
    const settings = stage!.Properties as { StageName: string; AccessLogSetting: { Format: string }; MethodSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }[] };
    expect(settings.StageName).toBe('prod');
    const format = JSON.parse(settings.AccessLogSetting.Format) as Record<string, string>;
    expect(format).toEqual(expect.objectContaining({ requestId: '$context.requestId', status: '$context.status' }));
    expect(settings.AccessLogSetting.Format).not.toMatch(/\$input|body|querystring/i);
    expect(settings.MethodSettings[0]).toEqual(expect.objectContaining({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) }));
  });

  it('runs billing on Fargate on port 9001, reachable only from the functions', () => {
    templates.billing.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        PortMappings: [Match.objectLike({ ContainerPort: 9001 })],
        HealthCheck: Match.objectLike({ Command: ['CMD', 'node', '/app/healthcheck.js'] }),
        ReadonlyRootFilesystem: true,
      })],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    templates.billing.hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE', ServiceRegistries: Match.anyValue() });
    templates.billing.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 9001, ToPort: 9001, IpProtocol: 'tcp', SourceSecurityGroupId: Match.anyValue() });
    templates.billing.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
  });

  it('drives the publisher from the patients stream and the analytics consumer from topic patient', () => {
    templates.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100, BisectBatchOnFunctionError: true, FunctionResponseTypes: ['ReportBatchItemFailures'], StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    templates.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100, Topics: ['patient'], AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'analytics-consumer' },
    });
  });

  it('runs every function on Node 22, ARM64, traced, in the VPC', () => {
    const fns = Object.entries(resourcesOf(templates.api, 'AWS::Lambda::Function'))
      .filter(([id]) => id.startsWith('Fn') || id.startsWith('FirstAdminBootstrap')).map(([, fn]) => fn);
    expect(fns).toHaveLength(Object.keys(functions).length + 1); // + the first-admin bootstrap
    for (const fn of fns) {
      expect(fn.Properties).toEqual(expect.objectContaining({
        Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, VpcConfig: expect.anything(),
      }));
    }
  });

  it('creates the first admin on AWS from a generated secret, not from code', () => {
    templates.api.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password', SecretStringTemplate: Match.stringLikeRegexp('"email"') }),
    });
    templates.api.hasResourceProperties('AWS::CloudFormation::CustomResource', { SecretId: Match.anyValue() });
  });

  it('has a dashboard and alarms to an SNS topic', () => {
    templates.observability.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const alarms = Object.values(resourcesOf(templates.observability, 'AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(Object.keys(functions).length + 2);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });
});

describe('audit trail', () => {
  it('is append-only for the patients function: PutItem, no read, update or delete', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const deployment = buildApp(app);
    const policies = Object.values(Template.fromStack(deployment.api).findResources('AWS::IAM::Policy')) as { Properties: { Roles: unknown; PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }[];
    const patients = policies.filter((p) => JSON.stringify(p.Properties.Roles).includes('FnpatientsFunction'));
    const auditStatements = patients.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s) => JSON.stringify(s.Resource).includes('Tableaudit'));
    expect(auditStatements.length).toBeGreaterThan(0);
    const actions = auditStatements.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions).toContain('dynamodb:PutItem');
    for (const action of actions) expect(action).not.toMatch(/dynamodb:(GetItem|Query|Scan|UpdateItem|DeleteItem|BatchWriteItem)/);
  });
});
