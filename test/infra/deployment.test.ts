/**
 * CDK assertions on the whole deployment, synthesized once per profile (bundling skipped): security
 * settings a healthcare deployment must have, least privilege per function, the API from the route
 * table, and cdk-nag (AwsSolutions + HIPAA Security) with no unacknowledged finding (and a new finding fails the
 * synth). Then what each
 * profile must have: the full AWS shape (aws, localstack-ultimate), and the knowing degradations of
 * localstack-hobby and localstack-base. Deploy traps and LocalStack coverage: deploy-lint.test.ts.
 */
import { App } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Match } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import type { Profile } from '../../infra/config';
import { functions, type FunctionDefinition } from '../../system/functions';
import { guardedFunctions, routes, TOKEN_CHECK_VARIABLE } from '../../system/routes';
import { tableEnvVar, tables, type TableName } from '../../system/tables';
import {
  allResources,
  deployedFunctions,
  environmentOf,
  itRefuses,
  logicalId,
  PROFILES,
  resourcesOf,
  synthesize,
  type Synthesized,
} from './synth';

const STREAM_ACTIONS = [
  'dynamodb:ListStreams',
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
];

/** The tables a function may reach: its definition's, plus the revocations where it makes the authorizer's decision itself. */
function expectedTables(def: FunctionDefinition, s: Synthesized): TableName[] {
  const own = Object.keys(def.tables) as TableName[];
  const decides = s.deployment.config.tokenCheckInFunctions && guardedFunctions().includes(def.name);
  return decides ? [...new Set<TableName>([...own, 'sessions'])] : own;
}

describe.each(PROFILES)('profile %s', (profile) => {
  const s = () => synthesize(profile);
  const present = () => Object.values(s().templates);

  it('synthesizes with cdk-nag (AwsSolutions, HIPAA Security) clean or acknowledged with a reason', () => {
    expect(Object.keys(s().templates).length).toBeGreaterThanOrEqual(5);
  });

  it('creates every table of the definitions, KMS-encrypted with point-in-time recovery', () => {
    const found = resourcesOf(s().templates.stateful, 'AWS::DynamoDB::Table');
    expect(Object.keys(found)).toHaveLength(Object.keys(tables).length);
    for (const table of Object.values(found)) {
      expect(table.Properties.SSESpecification).toEqual(
        expect.objectContaining({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: expect.anything() }),
      );
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
    s().templates.stateful!.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('encrypts every function log group, secret, queue and topic with KMS', () => {
    const { stateful, messaging, billing, api, observability } = s().templates;
    for (const t of [stateful, messaging, billing, api]) {
      for (const group of Object.values(resourcesOf(t, 'AWS::Logs::LogGroup')))
        expect(group.Properties.KmsKeyId).toBeDefined();
    }
    for (const secret of allResources(s(), 'AWS::SecretsManager::Secret'))
      expect(secret.Properties.KmsKeyId).toBeDefined();
    for (const queue of Object.values(resourcesOf(api, 'AWS::SQS::Queue')))
      expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    for (const topic of Object.values(resourcesOf(observability, 'AWS::SNS::Topic')))
      expect(topic.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('admits only TLS to queues and topics', () => {
    const denyPlainText = {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    };
    s().templates.api!.hasResourceProperties('AWS::SQS::QueuePolicy', denyPlainText);
    s().templates.observability!.hasResourceProperties('AWS::SNS::TopicPolicy', denyPlainText);
  });

  it('grants no wildcard action on data resources', () => {
    for (const t of present()) {
      for (const policy of Object.values(resourcesOf(t, 'AWS::IAM::Policy'))) {
        const statements = (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] })
          .Statement;
        for (const { Action } of statements) {
          for (const action of ([] as string[]).concat(Action))
            expect(action).not.toMatch(/^(\*|dynamodb:\*|secretsmanager:\*|kafka-cluster:\*|kms:\*)$/);
        }
      }
    }
  });

  it('lets each function reach only the tables it needs', () => {
    const policies = Object.values(resourcesOf(s().templates.api, 'AWS::IAM::Policy'));
    const deployed = deployedFunctions(s());
    for (const def of Object.values(functions).filter((d) => deployed[d.name])) {
      // Reading a table's change stream (the event source's grant) is not reaching its items.
      const statements = policies
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(logicalId(def.name)))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
        .filter((st) => ![st.Action].flat().every((action) => STREAM_ACTIONS.includes(action)));
      const text = JSON.stringify(statements);
      const expected = expectedTables(def, s());
      for (const name of Object.keys(tables) as TableName[]) {
        expect([def.name, name, text.includes(`Table${name.replace(/-/g, '')}`)]).toEqual([
          def.name,
          name,
          expected.includes(name),
        ]);
      }
    }
  });

  it('keeps the signing secret from every function but auth, wherever tokens are verified', () => {
    const policies = Object.values(resourcesOf(s().templates.api, 'AWS::IAM::Policy'));
    const readers = policies.filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('SigningKeys'));
    expect(readers.length).toBeGreaterThan(0);
    for (const policy of readers) expect(JSON.stringify(policy.Properties.Roles)).toContain(logicalId('auth'));
    const authorizerPolicies = policies.filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(logicalId('authorizer')),
    );
    expect(JSON.stringify(authorizerPolicies)).not.toContain('secretsmanager:');
  });

  it('serves every route of the route table', () => {
    const methods = Object.values(resourcesOf(s().templates.api, 'AWS::ApiGateway::Method')).filter(
      (m) => m.Properties.HttpMethod !== 'OPTIONS',
    );
    expect(methods).toHaveLength(routes.length);
  });

  it('answers gateway errors in problem+json', () => {
    for (const type of [
      'UNAUTHORIZED',
      'ACCESS_DENIED',
      'REQUEST_TOO_LARGE',
      'THROTTLED',
      'DEFAULT_4XX',
      'DEFAULT_5XX',
    ]) {
      s().templates.api!.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      });
    }
  });

  it('logs access in JSON without bodies, and throttles the stage', () => {
    const [stage] = Object.values(resourcesOf(s().templates.api, 'AWS::ApiGateway::Stage'));
    const settings = stage!.Properties as {
      StageName: string;
      AccessLogSetting: { Format: string };
      MethodSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }[];
    };
    expect(settings.StageName).toBe('prod');
    const format = JSON.parse(settings.AccessLogSetting.Format) as Record<string, string>;
    expect(format).toEqual(expect.objectContaining({ requestId: '$context.requestId', status: '$context.status' }));
    expect(settings.AccessLogSetting.Format).not.toMatch(/\$input|body|querystring/i);
    expect(settings.MethodSettings[0]).toEqual(
      expect.objectContaining({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) }),
    );
  });

  it('drives the publisher and pending billing from the patients stream, each with partial failures and an on-failure queue', () => {
    const mappings = Object.values(resourcesOf(s().templates.api, 'AWS::Lambda::EventSourceMapping')).filter((m) =>
      JSON.stringify(m.Properties.EventSourceArn ?? '').includes('StreamArn'),
    );
    expect(
      mappings
        .map((m) => JSON.stringify(m.Properties.FunctionName).match(/Fn(publisher|pendingbilling)Function/)?.[1])
        .sort(),
    ).toEqual(['pendingbilling', 'publisher']);
    for (const mapping of mappings) {
      expect(mapping.Properties).toMatchObject({
        BatchSize: 100,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        StartingPosition: 'TRIM_HORIZON',
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      });
    }
    // Each to its own: the publisher never calls billing, pending billing never writes to Kafka.
    expect(environmentOf(deployedFunctions(s()).publisher!).BILLING_ADDRESS).toBeUndefined();
    expect(environmentOf(deployedFunctions(s())['pending-billing']!).KAFKA_BROKERS).toBeUndefined();
  });

  it('runs every function on Node 22, ARM64, traced, in the VPC', () => {
    const fns = Object.entries(resourcesOf(s().templates.api, 'AWS::Lambda::Function'))
      .filter(([id]) => id.startsWith('Fn') || id.startsWith('FirstAdminBootstrap'))
      .map(([, fn]) => fn);
    // + the first-admin bootstrap, where it runs as a custom resource
    expect(fns).toHaveLength(
      Object.keys(deployedFunctions(s())).length + (s().deployment.config.customResources ? 1 : 0),
    );
    for (const fn of fns) {
      expect(fn.Properties).toEqual(
        expect.objectContaining({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          VpcConfig: expect.anything(),
        }),
      );
    }
  });

  it('creates the first admin from a generated secret, not from code', () => {
    s().templates.api!.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: 'password',
        SecretStringTemplate: Match.stringLikeRegexp('"email"'),
      }),
    });
    if (s().deployment.config.customResources)
      s().templates.api!.hasResourceProperties('AWS::CloudFormation::CustomResource', { SecretId: Match.anyValue() });
    else s().templates.api!.hasOutput('ProvisionFirstAdminUser', { Value: Match.anyValue() });
  });

  it('has a dashboard (where the target has them) and alarms to an SNS topic', () => {
    s().templates.observability!.resourceCountIs(
      'AWS::CloudWatch::Dashboard',
      s().deployment.config.dashboardAndLogMetrics ? 1 : 0,
    );
    const alarms = Object.values(resourcesOf(s().templates.observability, 'AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(Object.keys(deployedFunctions(s())).length + 2);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });

  it("turns the auth function's security events into metrics with alarms (where the target has log metric filters)", () => {
    if (!s().deployment.config.dashboardAndLogMetrics) return;
    const filters = Object.values(resourcesOf(s().templates.observability, 'AWS::Logs::MetricFilter'));
    const patterns = filters.map((f) => f.Properties.FilterPattern);
    for (const event of ['REFRESH_TOKEN_REUSED', 'LOGIN_THROTTLED', 'LOGIN_FAILED']) {
      expect(patterns).toContain(`{ $.securityEvent = "${event}" }`);
      s().templates.observability!.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: event,
        Namespace: 'PatientManagement',
        AlarmActions: [Match.anyValue()],
      });
    }
    for (const filter of filters.filter((f) => String(f.Properties.FilterPattern).includes('securityEvent'))) {
      expect(JSON.stringify(filter.Properties.LogGroupName)).toMatch(/ExportsOutputRefFnauthLogs/);
    }
  });

  it('alarms when a reader of the patients stream falls behind (its failures are reported per record, not as errors)', () => {
    for (const name of ['publisher', 'pendingbilling']) {
      const alarms = Object.values(resourcesOf(s().templates.observability, 'AWS::CloudWatch::Alarm')).filter(
        (a) =>
          a.Properties.MetricName === 'IteratorAge' &&
          JSON.stringify(a.Properties.Dimensions).includes(`Fn${name}Function`),
      );
      expect([name, alarms.length]).toEqual([name, 1]);
    }
  });

  it('keeps the audit trail append-only: the patients function puts and reads entries (table and indexes), no function updates, deletes or scans them', () => {
    const policies = Object.values(resourcesOf(s().templates.api, 'AWS::IAM::Policy')) as unknown as {
      Properties: { Roles: unknown; PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    }[];
    const auditStatementsOf = (fn: string) =>
      policies
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(logicalId(fn)))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((st) => JSON.stringify(st.Resource).includes('Tableaudit'));
    const patients = auditStatementsOf('patients');
    expect(new Set(patients.flatMap((st) => ([] as string[]).concat(st.Action)))).toEqual(
      new Set(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable']),
    );
    expect(JSON.stringify(patients.map((st) => st.Resource))).toContain('/index/*');
    for (const def of Object.values(functions)) {
      for (const action of auditStatementsOf(def.name).flatMap((st) => ([] as string[]).concat(st.Action))) {
        expect([def.name, action]).not.toEqual([
          def.name,
          expect.stringMatching(
            /^dynamodb:(Scan|UpdateItem|DeleteItem|BatchWriteItem|PartiQL.*|UpdateTable|DeleteTable|\*)$/,
          ),
        ]);
      }
    }
  });
});

describe.each(['aws', 'localstack-ultimate'] as Profile[])('profile %s: the whole AWS shape', (profile) => {
  const s = () => synthesize(profile);

  it('guards routes with the TOKEN authorizer, its result never cached', () => {
    const methods = Object.values(resourcesOf(s().templates.api, 'AWS::ApiGateway::Method'));
    expect(methods.filter((m) => m.Properties.AuthorizationType === 'CUSTOM')).toHaveLength(
      routes.filter((r) => r.authorized).length,
    );
    s().templates.api!.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: 'method.request.header.Authorization',
    });
    for (const fn of Object.values(deployedFunctions(s())))
      expect(environmentOf(fn)[TOKEN_CHECK_VARIABLE]).toBeUndefined();
  });

  it('runs MSK (Serverless on AWS) with IAM auth only, and the analytics consumer on its topic patient', () => {
    const cluster = profile === 'aws' ? 'AWS::MSK::ServerlessCluster' : 'AWS::MSK::Cluster';
    s().templates.messaging!.hasResourceProperties(cluster, {
      ClientAuthentication: Match.objectLike({ Sasl: { Iam: { Enabled: true } } }),
    });
    s().templates.api!.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      Topics: ['patient'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'analytics-consumer' },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    // LocalStack's MSK brokers speak plaintext only.
    expect(environmentOf(deployedFunctions(s()).publisher!).KAFKA_AUTH).toBe(profile === 'aws' ? 'iam' : 'none');
  });

  it('runs billing on Fargate on port 9001 behind Cloud Map, reachable only from the functions', () => {
    const billing = s().templates.billing!;
    billing.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          PortMappings: [Match.objectLike({ ContainerPort: 9001 })],
          HealthCheck: Match.objectLike({ Command: ['CMD', 'node', '/app/healthcheck.js'] }),
          ReadonlyRootFilesystem: true,
        }),
      ],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    billing.hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE', ServiceRegistries: Match.anyValue() });
    billing.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 1);
    billing.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 9001,
      ToPort: 9001,
      IpProtocol: 'tcp',
      SourceSecurityGroupId: Match.anyValue(),
    });
    billing.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    billing.hasOutput('BillingServiceName', {});
  });

  it("alarms 30 days before billing's TLS certificate expires (nothing renews it by itself; where the target has log metric filters)", () => {
    if (!s().deployment.config.dashboardAndLogMetrics) return;
    s().templates.observability!.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "tls certificate" }',
      MetricTransformations: [Match.objectLike({ MetricValue: '$.tlsCertificateDaysLeft' })],
    });
    s().templates.observability!.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BillingTlsCertificateDaysLeft',
      Threshold: 30,
      ComparisonOperator: 'LessThanThreshold',
      AlarmActions: [Match.anyValue()],
    });
  });

  it('speaks TLS to billing: the key only in the task (as a secret), its certificate trusted by every function that calls billing', () => {
    const stateful = s().templates.stateful!;
    stateful.hasResourceProperties('AWS::CloudFormation::CustomResource', {
      Hosts: 'billing.patient-dev.internal,localhost,127.0.0.1',
      ValidDays: '825',
      RotationId: 'initial',
      SecretId: Match.anyValue(),
      AuthoritySecretId: Match.anyValue(),
    });
    // The authority's key is for the provisioner alone: no task or function policy names that secret.
    const authoritySecret = Object.keys(resourcesOf(stateful, 'AWS::SecretsManager::Secret')).find((id) =>
      id.startsWith('BillingTlsAuthority'),
    )!;
    const readers = [s().templates.billing, s().templates.api].flatMap((t) =>
      Object.values(resourcesOf(t, 'AWS::IAM::Policy')),
    );
    expect(JSON.stringify(readers)).not.toContain(authoritySecret);
    s().templates.billing!.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Secrets: Match.arrayWith([
            Match.objectLike({ Name: 'BILLING_TLS_CERT', ValueFrom: Match.anyValue() }),
            Match.objectLike({ Name: 'BILLING_TLS_KEY', ValueFrom: Match.anyValue() }),
          ]),
        }),
      ],
    });
    expect(JSON.stringify(resourcesOf(s().templates.billing, 'AWS::ECS::TaskDefinition'))).not.toMatch(
      /"Name":"BILLING_TLS_KEY","Value"/,
    );
    for (const [name, fn] of Object.entries(deployedFunctions(s()))) {
      const env = environmentOf(fn);
      expect([name, env.BILLING_TLS_KEY]).toEqual([name, undefined]);
      if (env.BILLING_ADDRESS) expect([name, env.BILLING_TLS_CA]).toEqual([name, expect.anything()]);
    }
  });
});

describe.each(['localstack-hobby', 'localstack-base'] as Profile[])('profile %s: degrades knowingly', (profile) => {
  const s = () => synthesize(profile);

  it('has no MSK, ECS or Cloud Map (LocalStack runs them in Ultimate only)', () => {
    expect(s().deployment.billing).toBeUndefined();
    for (const type of [
      'AWS::MSK::ServerlessCluster',
      'AWS::MSK::Cluster',
      'AWS::ECS::Service',
      'AWS::ECS::Cluster',
      'AWS::ServiceDiscovery::PrivateDnsNamespace',
    ]) {
      expect([type, allResources(s(), type).length]).toEqual([type, 0]);
    }
  });

  it('has no Lambda authorizer where the plan runs none (Hobby)', () => {
    if (profile !== 'localstack-hobby') return;
    const methods = Object.values(resourcesOf(s().templates.api, 'AWS::ApiGateway::Method'));
    expect(methods.filter((m) => m.Properties.AuthorizationType !== 'NONE')).toEqual([]);
    expect(deployedFunctions(s()).authorizer).toBeUndefined();
  });

  it('checks tokens inside exactly the functions behind guarded routes, with the public keys and revocations they need (Hobby)', () => {
    if (profile !== 'localstack-hobby') return;
    const deployed = deployedFunctions(s());
    for (const [name, fn] of Object.entries(deployed)) {
      const env = environmentOf(fn);
      if (guardedFunctions().includes(name as never)) {
        expect([name, env[TOKEN_CHECK_VARIABLE], env.PUBLIC_JWKS_PARAMETER, env[tableEnvVar('sessions')]]).toEqual([
          name,
          'true',
          expect.anything(),
          expect.anything(),
        ]);
      } else {
        expect([name, env[TOKEN_CHECK_VARIABLE]]).toEqual([name, undefined]);
      }
    }
    const policies = Object.values(resourcesOf(s().templates.api, 'AWS::IAM::Policy'));
    for (const name of guardedFunctions()) {
      const text = JSON.stringify(policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(logicalId(name))));
      expect(text).toContain('ssm:GetParameter');
    }
  });

  it('reads topic patient from the self-managed broker, in plaintext: with a SelfManagedKafkaEventSource where the plan polls Kafka (Base)', () => {
    const mapping = {
      BatchSize: 100,
      Topics: ['patient'],
      StartingPosition: 'TRIM_HORIZON',
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: ['host.docker.internal:9092'] } },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'analytics-consumer' },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    };
    const topic = { Brokers: 'host.docker.internal:9092', Auth: 'none', Topic: 'patient' };
    if (profile === 'localstack-base') {
      s().templates.api!.hasResourceProperties('AWS::Lambda::EventSourceMapping', mapping);
      s().templates.messaging!.hasResourceProperties('AWS::CloudFormation::CustomResource', topic);
    } else {
      s().templates.api!.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', { Topics: Match.anyValue() }, 0);
      s().templates.messaging!.hasOutput('ProvisionPatientTopic', { Value: Match.anyValue() });
      expect(JSON.stringify(s().templates.messaging!.toJSON().Outputs.ProvisionPatientTopic)).toMatch(
        /host\.docker\.internal:9092.*none.*patient/,
      );
    }
    expect(environmentOf(deployedFunctions(s()).publisher!)).toEqual(
      expect.objectContaining({ KAFKA_BROKERS: 'host.docker.internal:9092', KAFKA_AUTH: 'none' }),
    );
    const policies = JSON.stringify(allResources(s(), 'AWS::IAM::Policy'));
    expect(policies).not.toContain('kafka-cluster:');
  });

  it('calls billing at the given address, and says where its table is', () => {
    for (const name of ['patients', 'pending-billing', 'platform']) {
      expect([name, environmentOf(deployedFunctions(s())[name]!).BILLING_ADDRESS]).toEqual([
        name,
        'host.docker.internal:9001',
      ]);
    }
    s().templates.api!.hasOutput('BillingAddress', { Value: 'host.docker.internal:9001' });
    // A billing server run elsewhere is reached in plaintext: no certificate is made or trusted.
    expect(JSON.stringify(resourcesOf(s().templates.stateful, 'AWS::CloudFormation::CustomResource'))).not.toContain(
      'AuthoritySecretId',
    );
    for (const fn of Object.values(deployedFunctions(s()))) expect(environmentOf(fn).BILLING_TLS_CA).toBeUndefined();
    s().templates.stateful!.hasOutput('BillingAccountsTable', {});
  });

  it('takes the broker and billing addresses from context', () => {
    const custom = synthesize(profile, {
      kafkaBrokers: '10.0.0.5:9092,10.0.0.6:9092',
      billingAddress: 'billing.lan:7001',
    });
    expect(environmentOf(deployedFunctions(custom).publisher!).KAFKA_BROKERS).toBe('10.0.0.5:9092,10.0.0.6:9092');
    expect(environmentOf(deployedFunctions(custom).patients!).BILLING_ADDRESS).toBe('billing.lan:7001');
  });
});

describe('cdk-nag gate', () => {
  it('fails the synth when a new finding is not acknowledged', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const deployment = buildApp(app);
    new sqs.Queue(deployment.api, 'UnencryptedQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS|HIPAA\.Security-SQS/);
  });
});

describe('settings', () => {
  it('-c msk=provisioned: two brokers with IAM auth only, KMS at rest, TLS everywhere, broker logs', () => {
    const { templates } = synthesize('aws', { msk: 'provisioned' });
    templates.messaging!.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    templates.messaging!.hasResourceProperties('AWS::MSK::Cluster', {
      NumberOfBrokerNodes: 2,
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: {
        EncryptionAtRest: { DataVolumeKMSKeyId: Match.anyValue() },
        EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true },
      },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true, LogGroup: Match.anyValue() } } },
    });
    templates.api!.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      Topics: ['patient'],
      AmazonManagedKafkaEventSourceConfig: Match.anyValue(),
    });
  });

  it('stage=prod retains data and keeps logs a year; other stages may destroy it', () => {
    const prod = synthesize('aws', { stage: 'prod', mailFrom: 'no-reply@clinic.example' });
    const dev = synthesize('aws');
    const policies = (s: Synthesized) =>
      Object.values(s.templates.stateful!.findResources('AWS::DynamoDB::Table')).map(
        (t) => (t as { DeletionPolicy?: string }).DeletionPolicy,
      );
    expect(new Set(policies(prod))).toEqual(new Set(['Retain']));
    expect(new Set(policies(dev))).toEqual(new Set(['Delete']));
    prod.templates.api!.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('-c logRetentionDays=7 sets every function log group', () => {
    const groups = Object.values(
      synthesize('aws', { logRetentionDays: '7' }).templates.api!.findResources('AWS::Logs::LogGroup'),
    );
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups)
      expect((group as { Properties: { RetentionInDays: number } }).Properties.RetentionInDays).toBe(7);
  });

  it('-c corsOrigins: API Gateway answers the preflight, the functions behind routes name the origins, gateway errors are readable', () => {
    const { templates, deployment } = synthesize('aws', {
      corsOrigins: 'https://app.example.com,https://admin.example.com',
    });
    const methods = Object.values(resourcesOf(templates.api, 'AWS::ApiGateway::Method'));
    const preflights = methods.filter((m) => m.Properties.HttpMethod === 'OPTIONS');
    expect(preflights.length).toBeGreaterThan(0);
    for (const preflight of preflights)
      expect(preflight.Properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'MOCK' } });
    const behindRoutes = new Set(routes.map((r) => r.function));
    for (const [name, fn] of Object.entries(deployedFunctions({ deployment, templates }))) {
      expect([name, environmentOf(fn).CORS_ORIGINS]).toEqual([
        name,
        behindRoutes.has(name as never) ? 'https://app.example.com,https://admin.example.com' : undefined,
      ]);
    }
    templates.api!.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" }),
    });
    // Off by default.
    expect(
      Object.values(resourcesOf(synthesize('aws').templates.api, 'AWS::ApiGateway::Method')).filter(
        (m) => m.Properties.HttpMethod === 'OPTIONS',
      ),
    ).toEqual([]);
  });

  itRefuses([
    [{ corsOrigins: 'app.example.com' }, /is not an origin/],
    [{ corsOrigins: 'http://app.example.com' }, /corsOrigins must be https/],
    [{ msk: 'huge' }, /msk must be one of serverless, provisioned/],
    [{ profile: 'gcp' }, /profile must be one of/],
    [{ logRetentionDays: '8' }, /logRetentionDays is not a valid value/],
    [{ billingMinTasks: '3', billingMaxTasks: '2' }, /billingMaxTasks is not a valid value/],
    [{ stage: 'Prod Env' }, /stage must be/],
  ]);
});
