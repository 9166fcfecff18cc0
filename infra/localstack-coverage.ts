/**
 * What each LocalStack profile relies on, and where each item was checked. test/infra/deploy-lint.test.ts
 * fails when a profile's synthesized templates use a resource type, an intrinsic function, a template
 * section or a Lambda event source outside its list; `npm run deploy:localstack` warns when the running
 * LocalStack does not report a service in `services`. Checked against the sources below (LocalStack's
 * own code and docs, at the commits named); re-check them when LocalStack or the templates change.
 * Plain data: no aws-cdk-lib import.
 */
import type { LocalStackProfile } from './profiles';

const LOCALSTACK =
  'github.com/localstack/localstack@8b9a79f (2026-03-23; archived when LocalStack moved to one image that needs an auth token)';
const DOCS = 'github.com/localstack/localstack-docs@378660c (docs.localstack.cloud/aws)';

export const SOURCES = {
  hobby: `${LOCALSTACK} README.md: the free Hobby plan (non-commercial use) has "the same capabilities as this project"`,
  cfnCommunity: `${LOCALSTACK} localstack-core/localstack/services/*/resource_providers/aws_*.py: the CloudFormation resource providers of that code`,
  cfnPro: `${DOCS} src/content/docs/aws/services/cloudformation.mdx, resource table "Pro image" (the licensed plans' engine)`,
  cfnTemplates: `${LOCALSTACK} services/cloudformation/engine/v2/change_set_model.py: the template model (Parameters, Mappings, Conditions, Resources, Outputs; Rules are not read) and INTRINSIC_FUNCTIONS; change_set_model_preproc.py resolves Fn::GetAZs (the docs table, older, says it does not)`,
  noCustomResources: `${LOCALSTACK} services/cloudformation/resource_provider.py get_resource_type(): "overwritten in PRO to add support for custom resources"; v2/change_set_model_executor.py deploys an unknown type as an empty fallback (a no-op) by default`,
  customTypes: `${LOCALSTACK} services/cloudformation/resource_provider.py try_load_resource_provider(): every Custom:: type is served by the AWS::CloudFormation::CustomResource provider (licensed plans: cfnPro)`,
  unknownTypes: `${LOCALSTACK} services/cloudformation/engine/v2/change_set_model_executor.py and unsupported_resource.py: a type without a provider fails, or with CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES is skipped with a warning that this "will fail in upcoming LocalStack releases"`,
  noAuthorizer: `${LOCALSTACK} services/apigateway/next_gen/execute_api/handlers/: no authorizer handler (Lambda authorizers are not run)`,
  esmCommunity: `${LOCALSTACK} services/lambda_/event_source_mapping/pollers/: SQS, Kinesis and DynamoDB Streams pollers only (no Kafka)`,
  esmFilters: `${LOCALSTACK} services/lambda_/event_source_mapping/pollers/poller.py filter_events(): FilterCriteria patterns are matched by utils/event_matcher.py (services/events/event_rule_engine.py: exact values, prefix, exists) before the function is invoked`,
  esmLicensed: `${DOCS} src/content/docs/aws/services/lambda.mdx "Lambda Event Source Mappings": MSK and self-managed Kafka "only available in LocalStack licensed editions"`,
  licensing: `${DOCS} src/content/docs/aws/licensing.md: services per plan: Lambda, API Gateway REST, DynamoDB (+ Streams), SQS, SNS, KMS, Secrets Manager, SSM, STS, IAM, EC2, CloudWatch (+ Logs), CloudFormation in every plan; ECS, ECR, Application Auto Scaling from Base; MSK, Cloud Map, X-Ray only in Ultimate`,
  msk: `${DOCS} src/content/docs/aws/services/kafka.mdx: MSK in Ultimate; get-bootstrap-brokers answers BootstrapBrokerString (plaintext brokers, no IAM sign-in)`,
  lambdaEnv: `${LOCALSTACK} services/lambda_/invocation/execution_environment.py get_environment_variables(): AWS_ENDPOINT_URL and the role's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN are set in every function container; services/lambda_/runtimes.py: nodejs22.x`,
  arm64: `${DOCS} src/content/docs/aws/capabilities/config/arm64-support.md: functions run on their configured architecture; LAMBDA_IGNORE_ARCHITECTURE=1 runs them natively`,
  dockerFlags: `${LOCALSTACK} config.py LAMBDA_DOCKER_FLAGS, utils/container_utils/container_client.py: --add-host is passed to function containers (Docker resolves host-gateway to the host)`,
  apiUrl: `${LOCALSTACK} services/cloudformation/engine/v2/change_set_model_preproc.py REGEX_OUTPUT_APIGATEWAY: execute-api URLs in outputs are rewritten to LocalStack's host and port`,
} as const;
export type SourceId = keyof typeof SOURCES;
export type EventSourceKind = 'dynamodb-stream' | 'kafka-msk' | 'kafka-self-managed';

export interface Coverage {
  plan: string;
  /** CloudFormation resource types the templates may use. */
  resourceTypes: Readonly<Record<string, SourceId>>;
  /** Intrinsic functions (and Ref) the templates' resources and outputs may use. */
  intrinsics: Readonly<Record<string, SourceId>>;
  /** Template sections the templates may have. */
  sections: Readonly<Record<string, SourceId>>;
  /** Lambda event source mappings, by kind. */
  eventSources: Readonly<Partial<Record<EventSourceKind, SourceId>>>;
  /** Services the running LocalStack must offer (the names its /_localstack/health reports). */
  services: readonly string[];
  /** What else the profile relies on. */
  relies: readonly { on: string; source: SourceId }[];
  /** What the plan lacks, and what the profile does instead. */
  without: readonly { lacks: string; instead: string; source: SourceId }[];
}

const of = (source: SourceId, ...names: string[]) =>
  Object.fromEntries(names.map((n) => [n, source])) as Record<string, SourceId>;

const COMMUNITY_TYPES = {
  ...of(
    'cfnCommunity',
    'AWS::ApiGateway::Account',
    'AWS::ApiGateway::Deployment',
    'AWS::ApiGateway::GatewayResponse',
    'AWS::ApiGateway::Method',
    'AWS::ApiGateway::RequestValidator',
    'AWS::ApiGateway::Resource',
    'AWS::ApiGateway::RestApi',
    'AWS::ApiGateway::Stage',
    'AWS::CloudFormation::WaitConditionHandle',
    'AWS::CloudWatch::Alarm',
    'AWS::DynamoDB::Table',
    'AWS::SES::EmailIdentity',
    'AWS::EC2::RouteTable',
    'AWS::EC2::SecurityGroup',
    'AWS::EC2::Subnet',
    'AWS::EC2::SubnetRouteTableAssociation',
    'AWS::EC2::VPC',
    'AWS::EC2::VPCEndpoint',
    'AWS::IAM::Policy',
    'AWS::IAM::Role',
    'AWS::KMS::Key',
    'AWS::Lambda::EventSourceMapping',
    'AWS::Lambda::Function',
    'AWS::Lambda::Permission',
    'AWS::Logs::LogGroup',
    'AWS::SNS::Subscription',
    'AWS::SNS::Topic',
    'AWS::SNS::TopicPolicy',
    'AWS::SQS::Queue',
    'AWS::SQS::QueuePolicy',
    'AWS::SSM::Parameter',
    'AWS::SecretsManager::Secret',
  ),
};
const LICENSED_TYPES = {
  ...COMMUNITY_TYPES,
  ...of('cfnPro', 'AWS::ApiGateway::Authorizer', 'AWS::CloudFormation::CustomResource'),
};
const TEMPLATE = {
  intrinsics: of(
    'cfnTemplates',
    'Ref',
    'Fn::GetAtt',
    'Fn::ImportValue',
    'Fn::Join',
    'Fn::Select',
    'Fn::Split',
    'Fn::Sub',
    'Fn::GetAZs',
  ),
  // Rules: CDK's bootstrap-version check, which LocalStack does not read.
  sections: of('cfnTemplates', 'Resources', 'Outputs', 'Parameters', 'Rules'),
};
const EVERY_PLAN_SERVICES = [
  'apigateway',
  'cloudformation',
  'cloudwatch',
  'dynamodb',
  'dynamodbstreams',
  'ec2',
  'iam',
  'kms',
  'lambda',
  'logs',
  'secretsmanager',
  'ses',
  'sns',
  'sqs',
  'ssm',
  'sts',
];
const RELIES = [
  { on: 'Lambda nodejs22.x functions reach LocalStack through AWS_ENDPOINT_URL (no code change)', source: 'lambdaEnv' },
  {
    on: "the functions' credentials in their environment, as Lambda's: the bundles carry only the credential chain's environment link (system/bundling.ts)",
    source: 'lambdaEnv',
  },
  {
    on: "functions of either CPU on any host: LAMBDA_IGNORE_ARCHITECTURE=1 (ours are arm64, CDK's framework functions x86-64; the bundles are plain JavaScript)",
    source: 'arm64',
  },
  { on: 'API Gateway REST with Lambda proxy integrations; the ApiUrl output points at LocalStack', source: 'apiUrl' },
  { on: 'DynamoDB Streams event source mappings (publisher, pending billing)', source: 'esmCommunity' },
  {
    on: 'their filter criteria (system/functions.ts STREAM_FILTERS: exact strings, prefix, exists), so other records never invoke a function',
    source: 'esmFilters',
  },
] as const;
const SIDECARS = {
  on: 'on Linux, function containers reach the sidecars as host.docker.internal: LAMBDA_DOCKER_FLAGS=--add-host=host.docker.internal:host-gateway',
  source: 'dockerFlags',
} as const;
const NO_MSK = {
  lacks: 'MSK (Ultimate only)',
  instead: "the sidecars' Kafka-protocol broker (npm run localstack:sidecars), plaintext",
  source: 'licensing',
} as const;
const NO_CLOUD_MAP = {
  lacks: 'Cloud Map (Ultimate only), so billing on ECS cannot be found by name',
  instead: "the sidecars' billing server, plaintext gRPC",
  source: 'licensing',
} as const;
const NO_DASHBOARD = {
  lacks: 'AWS::CloudWatch::Dashboard, AWS::Logs::MetricFilter and AWS::EC2::FlowLog in CloudFormation',
  instead: 'none of them (the dashboard page of npm start shows the same figures); the alarms on service metrics stay',
  source: 'unknownTypes',
} as const;

export const LOCALSTACK_COVERAGE: Readonly<Record<LocalStackProfile, Coverage>> = {
  'localstack-hobby': {
    plan: 'Hobby (free, non-commercial)',
    resourceTypes: COMMUNITY_TYPES,
    ...TEMPLATE,
    eventSources: { 'dynamodb-stream': 'esmCommunity' },
    services: EVERY_PLAN_SERVICES,
    relies: [...RELIES, SIDECARS, { on: 'the plan itself', source: 'hobby' }],
    without: [
      {
        lacks: 'Lambda-backed custom resources',
        instead: 'npm run deploy:localstack calls the same handlers (signing keys, topic, first admin) through the SDK',
        source: 'noCustomResources',
      },
      {
        lacks: 'Lambda authorizers',
        instead: "the guarded functions make the authorizer's decision themselves (REQUIRE_TOKEN_IN_FUNCTION)",
        source: 'noAuthorizer',
      },
      {
        lacks: 'Kafka event source mappings',
        instead:
          "the sidecars' pollers read topics patient and billing and invoke the analytics consumer through LocalStack's Lambda API",
        source: 'esmCommunity',
      },
      NO_MSK,
      NO_CLOUD_MAP,
      NO_DASHBOARD,
    ],
  },
  'localstack-base': {
    plan: 'Base',
    resourceTypes: LICENSED_TYPES,
    ...TEMPLATE,
    eventSources: { 'dynamodb-stream': 'esmCommunity', 'kafka-self-managed': 'esmLicensed' },
    services: EVERY_PLAN_SERVICES,
    relies: [
      ...RELIES,
      SIDECARS,
      { on: 'custom resources and Lambda authorizers of the licensed engine', source: 'cfnPro' },
    ],
    without: [NO_MSK, NO_CLOUD_MAP, NO_DASHBOARD],
  },
  'localstack-ultimate': {
    plan: 'Ultimate',
    resourceTypes: {
      ...LICENSED_TYPES,
      ...of(
        'cfnPro',
        'AWS::ApplicationAutoScaling::ScalableTarget',
        'AWS::ApplicationAutoScaling::ScalingPolicy',
        'AWS::EC2::SecurityGroupEgress',
        'AWS::EC2::SecurityGroupIngress',
        'AWS::ECS::Cluster',
        'AWS::ECS::Service',
        'AWS::ECS::TaskDefinition',
        'AWS::MSK::Cluster',
        'AWS::ServiceDiscovery::PrivateDnsNamespace',
        'AWS::ServiceDiscovery::Service',
      ),
      // AwsCustomResource (the MSK bootstrap address): every Custom:: type goes to the custom-resource provider.
      ...of('customTypes', 'Custom::AWS'),
    },
    ...TEMPLATE,
    eventSources: { 'dynamodb-stream': 'esmCommunity', 'kafka-msk': 'esmLicensed' },
    services: [...EVERY_PLAN_SERVICES, 'kafka', 'ecs', 'ecr', 'servicediscovery', 'application-autoscaling'],
    relies: [
      ...RELIES,
      { on: 'a provisioned MSK cluster, read in plaintext through its BootstrapBrokerString', source: 'msk' },
      { on: 'ECS Fargate with an image built from billing/Dockerfile, ECR, Cloud Map', source: 'licensing' },
    ],
    without: [
      {
        lacks: "MSK Serverless (AWS::MSK::ServerlessCluster is in no plan's CloudFormation coverage)",
        instead: 'a provisioned cluster',
        source: 'cfnPro',
      },
      NO_DASHBOARD,
    ],
  },
};
