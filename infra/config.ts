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
import { corsOrigins } from './definitions/cors';

export type Profile = 'aws' | 'localstack-full' | 'localstack-community';
export type MskFlavour = 'serverless' | 'provisioned';

export interface DeploymentConfig {
  stage: string;
  profile: Profile;
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  alarmEmail?: string;
  billingMinTasks: number;
  billingMaxTasks: number;
  /** MSK Serverless (pay per partition and traffic) or a provisioned 2-broker cluster (cheaper at low volume). */
  mskFlavour: MskFlavour;
  /** A self-managed Kafka (plaintext) instead of MSK: `host:port,…`. */
  selfManagedKafkaBrokers?: string;
  /** A billing server running elsewhere (`host:port`) instead of the Fargate service. */
  externalBillingAddress?: string;
  /** No Lambda authorizer: the functions behind guarded routes check the token themselves. */
  tokenCheckInFunctions: boolean;
  signingKeyRotationId: string;
  /** Change it to replace the billing service's TLS certificate and key. */
  billingCertificateRotationId: string;
  firstAdminEmail?: string;
  /** Origins whose browser scripts may call the API; none by default (no CORS). */
  corsOrigins: string[];
  /** Write shards of the audit trail's system-wide index (functions/patients/adapters/audit-items.ts); may grow, never shrink. */
  auditShards: number;
}

/** A deployed API trusts no plain-HTTP page: its scripts could be rewritten on the way and read the tokens. */
function deployedOrigins(origins: string[]): string[] {
  const insecure = origins.filter((o) => o.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(o));
  if (insecure.length > 0) throw new Error(`corsOrigins must be https:// (or http://localhost), not ${insecure.join(', ')}`);
  return origins;
}

export function loadConfig(app: App): DeploymentConfig {
  const get = (key: string, env: string): string | undefined => {
    const value = (app.node.tryGetContext(key) as unknown) ?? process.env[env];
    return value === undefined || value === '' ? undefined : String(value);
  };
  const oneOf = <T extends string>(key: string, env: string, allowed: readonly T[], fallback: T): T => {
    const value = get(key, env) ?? fallback;
    if (!allowed.includes(value as T)) throw new Error(`${key} must be one of ${allowed.join(', ')}, not "${value}"`);
    return value as T;
  };
  const whole = (key: string, env: string, fallback: number, allowed: (n: number) => boolean = (n) => n >= 0): number => {
    const raw = get(key, env);
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || !allowed(value)) throw new Error(`${key} is not a valid value: "${raw}"`);
    return value;
  };
  const stage = get('stage', 'STAGE') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new Error(`stage must be 1-20 lower-case letters, digits or dashes, not "${stage}"`);
  const profile = oneOf<Profile>('profile', 'DEPLOY_PROFILE', ['aws', 'localstack-full', 'localstack-community'], 'aws');
  const production = stage === 'prod';
  const community = profile === 'localstack-community';
  const billingMinTasks = whole('billingMinTasks', 'BILLING_MIN_TASKS', 1);
  return {
    stage,
    profile,
    removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    // CloudWatch accepts only its own list of retention periods (1, 3, 5, 7, 14, 30, … days).
    logRetention: whole('logRetentionDays', 'LOG_RETENTION_DAYS', production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      (n) => Object.values(RetentionDays).includes(n)) as RetentionDays,
    alarmEmail: get('alarmEmail', 'ALARM_EMAIL'),
    billingMinTasks,
    billingMaxTasks: whole('billingMaxTasks', 'BILLING_MAX_TASKS', Math.max(4, billingMinTasks), (n) => n >= Math.max(1, billingMinTasks)),
    mskFlavour: oneOf<MskFlavour>('msk', 'MSK_FLAVOUR', ['serverless', 'provisioned'], 'serverless'),
    selfManagedKafkaBrokers: get('kafkaBrokers', 'PMS_KAFKA_BROKERS') ?? (community ? 'host.docker.internal:9092' : undefined),
    externalBillingAddress: get('billingAddress', 'PMS_BILLING_ADDRESS') ?? (community ? 'host.docker.internal:9001' : undefined),
    tokenCheckInFunctions: (get('tokenCheckInFunctions', 'TOKEN_CHECK_IN_FUNCTIONS') ?? String(community)) === 'true',
    signingKeyRotationId: get('signingKeyRotationId', 'SIGNING_KEY_ROTATION_ID') ?? 'initial',
    billingCertificateRotationId: get('billingCertificateRotationId', 'BILLING_CERTIFICATE_ROTATION_ID') ?? 'initial',
    firstAdminEmail: get('firstAdminEmail', 'FIRST_ADMIN_EMAIL'),
    corsOrigins: deployedOrigins(corsOrigins(get('corsOrigins', 'CORS_ORIGINS'))),
    // 128 × ~1,000 writes/s per partition: every audited request at 10,000 writes/s and 100,000 reads/s, with headroom.
    auditShards: whole('auditShards', 'AUDIT_SHARDS', 128, (n) => n >= 1 && n <= 1024),
  };
}
