/**
 * Deploy targets and what each one runs. `aws` is the whole design. Each LocalStack profile is the
 * shape one LocalStack plan can run; `infra/localstack-coverage.ts` lists, per profile, the
 * CloudFormation types and features it relies on and where each was checked, and
 * test/infra/deploy-lint.test.ts fails when a profile's templates step outside that list.
 * Plain data: the deploy scripts read it without loading aws-cdk-lib.
 */
export const PROFILES = ['aws', 'localstack-hobby', 'localstack-base', 'localstack-ultimate'] as const;
export type Profile = (typeof PROFILES)[number];
export type LocalStackProfile = Exclude<Profile, 'aws'>;
export type MskFlavour = 'serverless' | 'provisioned';

/** Names of earlier releases, still accepted. */
export const PROFILE_ALIASES: Readonly<Record<string, Profile>> = {
  'localstack-community': 'localstack-hobby',
  'localstack-full': 'localstack-ultimate',
};

export interface ProfileShape {
  /** Lambda-backed custom resources run; otherwise `npm run deploy:localstack` calls their handlers itself. */
  customResources: boolean;
  /** API Gateway runs the Lambda TOKEN authorizer; otherwise the guarded functions check tokens themselves. */
  lambdaAuthorizer: boolean;
  /** Kafka is MSK in the VPC, or a self-managed broker (on LocalStack: `npm run localstack:sidecars`). */
  kafka: 'msk' | 'self-managed';
  /** The MSK flavours the target runs, the default first. */
  mskFlavours: readonly MskFlavour[];
  /** MSK clients sign in with IAM over TLS (port 9098); LocalStack's MSK brokers speak plaintext only. */
  mskIamAuth: boolean;
  /** Lambda polls Kafka for the analytics consumer; otherwise the sidecars' poller invokes it. */
  kafkaEventSourceMapping: boolean;
  /** Billing on ECS Fargate behind Cloud Map, or a billing server at an address (on LocalStack: the sidecars'). */
  billing: 'fargate' | 'external';
  /** The CloudWatch dashboard, and log metric filters with the alarms on them. */
  dashboardAndLogMetrics: boolean;
  /** VPC flow logs. */
  flowLogs: boolean;
  /** The web app on CloudFront and S3 (LocalStack's CloudFront is in no plan this project targets: npm start serves the app instead). */
  webDistribution: boolean;
}

const localstack = {
  dashboardAndLogMetrics: false,
  flowLogs: false,
  mskIamAuth: false,
  webDistribution: false,
} as const;

export const PROFILE_SHAPES: Readonly<Record<Profile, ProfileShape>> = {
  aws: {
    customResources: true,
    lambdaAuthorizer: true,
    kafka: 'msk',
    mskFlavours: ['serverless', 'provisioned'],
    mskIamAuth: true,
    kafkaEventSourceMapping: true,
    billing: 'fargate',
    dashboardAndLogMetrics: true,
    flowLogs: true,
    webDistribution: true,
  },
  // The free plan runs what LocalStack's archived community code runs: no custom resources, no Lambda
  // authorizers, no Kafka event source mappings, no MSK, ECS or Cloud Map.
  'localstack-hobby': {
    ...localstack,
    customResources: false,
    lambdaAuthorizer: false,
    kafka: 'self-managed',
    mskFlavours: [],
    kafkaEventSourceMapping: false,
    billing: 'external',
  },
  // Base adds the licensed CloudFormation engine (custom resources), Lambda authorizers and Kafka event
  // source mappings; MSK and Cloud Map stay in Ultimate.
  'localstack-base': {
    ...localstack,
    customResources: true,
    lambdaAuthorizer: true,
    kafka: 'self-managed',
    mskFlavours: [],
    kafkaEventSourceMapping: true,
    billing: 'external',
  },
  // Ultimate runs provisioned MSK (not MSK Serverless), ECS and Cloud Map.
  'localstack-ultimate': {
    ...localstack,
    customResources: true,
    lambdaAuthorizer: true,
    kafka: 'msk',
    mskFlavours: ['provisioned'],
    kafkaEventSourceMapping: true,
    billing: 'fargate',
  },
};

/** The profile a name stands for, old names included; undefined for an unknown name. */
export function profileNamed(name: string): Profile | undefined {
  return (PROFILES as readonly string[]).includes(name) ? (name as Profile) : PROFILE_ALIASES[name];
}

/** Where containers started by LocalStack reach the sidecars on the host (`npm run localstack:sidecars`). */
export const SIDECAR_HOST = 'host.docker.internal';
