/**
 * Deployment settings from CDK context (`-c key=value`) or the environment, with safe defaults.
 * `stage=prod` keeps data when a stack is deleted; any other stage may destroy it.
 *
 * The profile (infra/profiles.ts) sets what the target runs: `aws` everything; each LocalStack profile
 * what its plan emulates (WAF only on `aws`: LocalStack's coverage lists have no WAFv2). The Kafka, billing and token-check settings can also be chosen alone.
 * The tier (infra/tiers.ts) sets what scales with traffic; an explicit setting overrides its tier's value.
 */
import { RemovalPolicy, type App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { corsOrigins } from '../system/cors';
import type { FunctionName } from '../system/functions';
import {
  PROFILE_ALIASES,
  PROFILE_SHAPES,
  PROFILES,
  profileNamed,
  SIDECAR_HOST,
  type MskFlavour,
  type Profile,
  type ProfileShape,
} from './profiles';
import { TIER_SETTINGS, TIERS, type Tier, type TierSettings } from './tiers';

export type { MskFlavour, Profile } from './profiles';
export type { Tier } from './tiers';

export interface DeploymentConfig extends Pick<
  ProfileShape,
  | 'customResources'
  | 'kafkaEventSourceMapping'
  | 'mskIamAuth'
  | 'dashboardAndLogMetrics'
  | 'flowLogs'
  | 'webDistribution'
> {
  stage: string;
  profile: Profile;
  /** The traffic it is sized for (infra/tiers.ts). */
  tier: Tier;
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
  /** API Gateway's stage throttle across all clients: requests per second and burst. */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Memory of functions sized by the tier, over their definitions' (never below them). */
  functionMemory: Partial<Record<FunctionName, number>>;
  /** Alarm thresholds that grow with traffic. */
  alarmThresholds: TierSettings['alarms'];
  /** API Gateway's throttle on each POST auth route (login, signup, refresh, …), below the stage's: requests per second and burst. */
  authThrottle: { rateLimit: number; burstLimit: number };
  /**
   * Concurrency reserved for (and capping) the auth function, so password hashing cannot take every
   * execution from the authorizer and the patients function; undefined: none.
   */
  authReservedConcurrency?: number;
  /**
   * AWS WAF in front of the API, limiting requests per source address in 5 minutes (in general, and on the
   * auth paths); undefined on LocalStack profiles (no WAFv2 in their coverage) or when turned off.
   */
  waf?: { rateLimit: number; authRateLimit: number };
  /**
   * Sender of the mail the auth function sends (sign-up's verification code) through SES, and the SES
   * identity verified for it: the address, or its whole domain. Undefined: no mail is sent.
   */
  mail?: { from: string; domain?: string };
  /** The stack sets the account's API Gateway CloudWatch Logs role (needed for stage logging); off where the account manages it. */
  apiGatewayCloudWatchRole: boolean;
  /** Write shards of the audit trail's system-wide index (functions/patients/adapters/audit-items.ts); may grow, never shrink. */
  auditShards: number;
  /** Write shards of the patients' list/state and search indexes; may grow, never shrink. */
  patientShards: { list: number; search: number };
  /** Partitions of each Kafka topic the stack creates; may grow, never shrink. */
  topicPartitions: number;
}

/** LocalStack keeps every message it is asked to send (its /_aws/ses endpoint); any sender will do there. */
const LOCALSTACK_MAIL_FROM = 'no-reply@example.com';

function mailSettings(
  from: string | undefined,
  domain: string | undefined,
  stage: string,
  profile: Profile,
): DeploymentConfig['mail'] {
  const sender = from ?? (profile === 'aws' ? undefined : LOCALSTACK_MAIL_FROM);
  if (!sender) {
    if (domain) throw new Error('mailFromDomain needs mailFrom, the address in that domain the mail comes from');
    // Production must verify patients' addresses; a dev stack deploys without mail (and its patients cannot verify).
    if (stage === 'prod')
      throw new Error(
        'mailFrom is required for stage prod: the address the verification mail comes from (-c mailFrom=no-reply@your-domain, or MAIL_FROM)',
      );
    return undefined;
  }
  if (!/^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(sender))
    throw new Error(`mailFrom is not an email address: "${sender}"`);
  const senderDomain = sender.slice(sender.lastIndexOf('@') + 1).toLowerCase();
  if (domain && senderDomain !== domain.toLowerCase() && !senderDomain.endsWith(`.${domain.toLowerCase()}`)) {
    throw new Error(`mailFromDomain "${domain}" must be the domain of mailFrom (or a parent of it), not another`);
  }
  return { from: sender, ...(domain ? { domain: domain.toLowerCase() } : {}) };
}

/** A deployed API trusts no plain-HTTP page: its scripts could be rewritten on the way and read the tokens. */
function deployedOrigins(origins: string[]): string[] {
  const insecure = origins.filter(
    (o) => o.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(o),
  );
  if (insecure.length > 0)
    throw new Error(`corsOrigins must be https:// (or http://localhost), not ${insecure.join(', ')}`);
  return origins;
}

export function loadConfig(app: App): DeploymentConfig {
  const get = (key: string, env: string): string | undefined => {
    // Context values are scalars: strings from `-c key=value`, or JSON numbers and booleans from cdk.json.
    const value = (app.node.tryGetContext(key) as string | number | boolean | undefined) ?? process.env[env];
    return value === undefined || value === '' ? undefined : String(value);
  };
  const oneOf = <T extends string>(key: string, env: string, allowed: readonly T[], fallback: T): T => {
    const value = get(key, env) ?? fallback;
    if (!allowed.includes(value as T)) throw new Error(`${key} must be one of ${allowed.join(', ')}, not "${value}"`);
    return value as T;
  };
  const whole = (
    key: string,
    env: string,
    fallback: number,
    allowed: (n: number) => boolean = (n) => n >= 0,
  ): number => {
    const raw = get(key, env);
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || !allowed(value)) throw new Error(`${key} is not a valid value: "${raw}"`);
    return value;
  };
  const stage = get('stage', 'STAGE') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage))
    throw new Error(`stage must be 1-20 lower-case letters, digits or dashes, not "${stage}"`);
  const profileName = get('profile', 'DEPLOY_PROFILE') ?? 'aws';
  const profile = profileNamed(profileName);
  if (!profile)
    throw new Error(
      `profile must be one of ${[...PROFILES, ...Object.keys(PROFILE_ALIASES)].join(', ')}, not "${profileName}"`,
    );
  const shape = PROFILE_SHAPES[profile];
  const production = stage === 'prod';
  const tier = oneOf<Tier>('tier', 'TIER', TIERS, 'small');
  const sized = TIER_SETTINGS[tier];
  const billingMinTasks = whole('billingMinTasks', 'BILLING_MIN_TASKS', sized.billingMinTasks);
  const mskFlavour = oneOf<MskFlavour>(
    'msk',
    'MSK_FLAVOUR',
    ['serverless', 'provisioned'],
    shape.mskFlavours[0] ?? 'serverless',
  );
  if (shape.kafka === 'msk' && !shape.mskFlavours.includes(mskFlavour))
    throw new Error(
      `profile ${profile} runs no MSK ${mskFlavour} cluster; msk must be one of ${shape.mskFlavours.join(', ')}`,
    );
  const externalBillingAddress =
    get('billingAddress', 'PMS_BILLING_ADDRESS') ?? (shape.billing === 'external' ? `${SIDECAR_HOST}:9001` : undefined);
  // Billing's TLS certificate is made by a custom resource: a target without them reaches billing elsewhere.
  if (!externalBillingAddress && !shape.customResources)
    throw new Error(`profile ${profile} runs no custom resources: give billingAddress`);
  return {
    stage,
    profile,
    tier,
    removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    // CloudWatch accepts only its own list of retention periods (1, 3, 5, 7, 14, 30, … days).
    logRetention: whole(
      'logRetentionDays',
      'LOG_RETENTION_DAYS',
      production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      (n) => Object.values(RetentionDays).includes(n),
    ),
    alarmEmail: get('alarmEmail', 'ALARM_EMAIL'),
    billingMinTasks,
    billingMaxTasks: whole(
      'billingMaxTasks',
      'BILLING_MAX_TASKS',
      Math.max(sized.billingMaxTasks, billingMinTasks),
      (n) => n >= Math.max(1, billingMinTasks),
    ),
    mskFlavour,
    selfManagedKafkaBrokers:
      get('kafkaBrokers', 'PMS_KAFKA_BROKERS') ?? (shape.kafka === 'self-managed' ? `${SIDECAR_HOST}:9092` : undefined),
    externalBillingAddress,
    tokenCheckInFunctions:
      (get('tokenCheckInFunctions', 'TOKEN_CHECK_IN_FUNCTIONS') ?? String(!shape.lambdaAuthorizer)) === 'true',
    signingKeyRotationId: get('signingKeyRotationId', 'SIGNING_KEY_ROTATION_ID') ?? 'initial',
    billingCertificateRotationId: get('billingCertificateRotationId', 'BILLING_CERTIFICATE_ROTATION_ID') ?? 'initial',
    firstAdminEmail: get('firstAdminEmail', 'FIRST_ADMIN_EMAIL'),
    corsOrigins: deployedOrigins(corsOrigins(get('corsOrigins', 'CORS_ORIGINS'))),
    apiThrottle: {
      rateLimit: whole('apiThrottleRate', 'API_THROTTLE_RATE', sized.apiThrottle.rateLimit, (n) => n >= 1),
      burstLimit: whole('apiThrottleBurst', 'API_THROTTLE_BURST', sized.apiThrottle.burstLimit, (n) => n >= 1),
    },
    functionMemory: sized.memory,
    alarmThresholds: sized.alarms,
    authThrottle: {
      rateLimit: whole('authThrottleRate', 'AUTH_THROTTLE_RATE', sized.authThrottle.rateLimit, (n) => n >= 1),
      burstLimit: whole('authThrottleBurst', 'AUTH_THROTTLE_BURST', sized.authThrottle.burstLimit, (n) => n >= 1),
    },
    authReservedConcurrency:
      whole('authReservedConcurrency', 'AUTH_RESERVED_CONCURRENCY', sized.authReservedConcurrency) || undefined,
    // WAF takes 10 requests per window at the least.
    waf:
      oneOf('waf', 'WAF_ENABLED', ['true', 'false'], profile === 'aws' ? 'true' : 'false') === 'true'
        ? {
            rateLimit: whole('wafRateLimit', 'WAF_RATE_LIMIT', 2000, (n) => n >= 10),
            authRateLimit: whole('wafAuthRateLimit', 'WAF_AUTH_RATE_LIMIT', 100, (n) => n >= 10),
          }
        : undefined,
    mail: mailSettings(get('mailFrom', 'MAIL_FROM'), get('mailFromDomain', 'MAIL_FROM_DOMAIN'), stage, profile),
    apiGatewayCloudWatchRole: (get('apiGatewayCloudWatchRole', 'API_GATEWAY_CLOUDWATCH_ROLE') ?? 'true') === 'true',
    customResources: shape.customResources,
    kafkaEventSourceMapping: shape.kafkaEventSourceMapping,
    mskIamAuth: shape.mskIamAuth,
    dashboardAndLogMetrics: shape.dashboardAndLogMetrics,
    flowLogs: shape.flowLogs,
    webDistribution: shape.webDistribution,
    // Each shard a partition of ~1,000 writes/s: the tier's count takes every audited request at its load.
    auditShards: whole('auditShards', 'AUDIT_SHARDS', sized.auditShards, (n) => n >= 1 && n <= 1024),
    topicPartitions: whole('topicPartitions', 'TOPIC_PARTITIONS', sized.topicPartitions, (n) => n >= 1 && n <= 1000),
    patientShards: {
      list: whole('patientListShards', 'PATIENT_LIST_SHARDS', sized.patientShards.list, (n) => n >= 1 && n <= 1024),
      search: whole(
        'patientSearchShards',
        'PATIENT_SEARCH_SHARDS',
        sized.patientShards.search,
        (n) => n >= 1 && n <= 1024,
      ),
    },
  };
}
