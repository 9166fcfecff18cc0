/**
 * Deployment settings from CDK context (`-c key=value`) or the environment, with safe defaults.
 * `stage=prod` keeps data when a stack is deleted; any other stage may destroy it.
 *
 * Profiles: `aws` and `localstack-full` (LocalStack's paid editions) deploy everything: the Lambda
 * authorizer, MSK Serverless, billing on ECS Fargate behind Cloud Map. `localstack-community` degrades
 * knowingly, because LocalStack's free edition lacks those services: the guarded functions check tokens
 * themselves, the analytics consumer reads a self-managed Kafka broker (SelfManagedKafkaEventSource),
 * and billing is reached at a given address. Each degradation can also be chosen alone by its setting.
 */
import { RemovalPolicy, type App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type Profile = 'aws' | 'localstack-full' | 'localstack-community';

export interface DeploymentConfig {
  stage: string;
  profile: Profile;
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  alarmEmail?: string;
  billingMinTasks: number;
  billingMaxTasks: number;
  /** A self-managed Kafka (plaintext) instead of MSK Serverless: `host:port,…`. */
  selfManagedKafkaBrokers?: string;
  /** A billing server running elsewhere (`host:port`) instead of the Fargate service. */
  externalBillingAddress?: string;
  /** No Lambda authorizer: the functions behind guarded routes check the token themselves. */
  tokenCheckInFunctions: boolean;
  signingKeyRotationId: string;
  firstAdminEmail?: string;
}

export function loadConfig(app: App): DeploymentConfig {
  const get = (key: string, env: string): string | undefined =>
    (app.node.tryGetContext(key) as string | undefined) ?? process.env[env] ?? undefined;
  const stage = get('stage', 'STAGE') ?? 'dev';
  const profile = (get('profile', 'DEPLOY_PROFILE') ?? 'aws') as Profile;
  if (!['aws', 'localstack-full', 'localstack-community'].includes(profile)) throw new Error(`Unknown profile ${profile}`);
  const production = stage === 'prod';
  const community = profile === 'localstack-community';
  return {
    stage,
    profile,
    removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    alarmEmail: get('alarmEmail', 'ALARM_EMAIL'),
    billingMinTasks: Number(get('billingMinTasks', 'BILLING_MIN_TASKS') ?? 1),
    billingMaxTasks: Number(get('billingMaxTasks', 'BILLING_MAX_TASKS') ?? 4),
    selfManagedKafkaBrokers: get('kafkaBrokers', 'PMS_KAFKA_BROKERS') ?? (community ? 'host.docker.internal:9092' : undefined),
    externalBillingAddress: get('billingAddress', 'PMS_BILLING_ADDRESS') ?? (community ? 'host.docker.internal:9001' : undefined),
    tokenCheckInFunctions: (get('tokenCheckInFunctions', 'TOKEN_CHECK_IN_FUNCTIONS') ?? String(community)) === 'true',
    signingKeyRotationId: get('signingKeyRotationId', 'SIGNING_KEY_ROTATION_ID') ?? 'initial',
    firstAdminEmail: get('firstAdminEmail', 'FIRST_ADMIN_EMAIL'),
  };
}
