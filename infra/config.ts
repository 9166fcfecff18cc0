/**
 * Deployment settings from CDK context (`-c key=value`) or the environment, with safe defaults.
 * `stage=prod` keeps data when a stack is deleted; any other stage may destroy it.
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
  /** Community LocalStack: the Kafka broker and billing server run outside (no MSK, no ECS there). */
  selfManagedKafkaBrokers?: string;
  externalBillingAddress?: string;
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
  return {
    stage,
    profile,
    removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    alarmEmail: get('alarmEmail', 'ALARM_EMAIL'),
    billingMinTasks: Number(get('billingMinTasks', 'BILLING_MIN_TASKS') ?? 1),
    billingMaxTasks: Number(get('billingMaxTasks', 'BILLING_MAX_TASKS') ?? 4),
    selfManagedKafkaBrokers: get('kafkaBrokers', 'KAFKA_BROKERS') ?? (profile === 'localstack-community' ? 'host.docker.internal:9092' : undefined),
    externalBillingAddress: get('billingAddress', 'BILLING_ADDRESS') ?? (profile === 'localstack-community' ? 'host.docker.internal:9001' : undefined),
    signingKeyRotationId: get('signingKeyRotationId', 'SIGNING_KEY_ROTATION_ID') ?? 'initial',
    firstAdminEmail: get('firstAdminEmail', 'FIRST_ADMIN_EMAIL'),
  };
}
