/**
 * The one description of every Lambda function: its code entry, what triggers it, which tables it may touch and
 * how, which settings it reads from its environment, its memory and timeout. The CDK stacks build the functions,
 * their event source mappings, grants and alarms from it; the local runtime runs the same entries, each with its
 * own environment built from its definition, and starts a poller for each stream or Kafka trigger.
 * Plain data: no aws-cdk-lib import, so the local runtime loads it cheaply.
 */
import { ANALYTICS_EVENT_SOURCE, BILLING_EVENT_SOURCE, type KafkaSource, type TopicName } from './events';
import type { TableName } from './tables';

const GET_ITEMS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'] as const;
const WRITE_ITEMS = [...GET_ITEMS, 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
const RW = [...WRITE_ITEMS, 'dynamodb:DeleteItem'] as const;

/**
 * How a function may use a table: the DynamoDB actions it is granted there (on the table and its
 * indexes). None has Scan: no function reads a whole table. A TransactWriteItems needs the action of each
 * of its items (Put → PutItem, Update → UpdateItem, Delete → DeleteItem).
 */
export const ACCESS_MODES = {
  /** The table's description, no item (a health check). */
  DESCRIBE: ['dynamodb:DescribeTable'],
  /** Items by key only. */
  GET_ITEMS,
  /** Items by key or Query, nothing written: a reader of whole partitions (the analytics aggregates). */
  READ_ITEMS: [...GET_ITEMS, 'dynamodb:Query'],
  /** New items only: an audit trail can be neither changed nor read back. */
  APPEND: ['dynamodb:PutItem'],
  /** New items, read back by key or Query: the audit trail's reader (no Scan, no update, no delete). */
  APPEND_READ: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
  /** Items read (by key or Query), written and updated; none deleted. */
  WRITE_ITEMS,
  /** WRITE_ITEMS, and items deleted one by one. */
  RW,
} as const satisfies Record<string, readonly string[]>;
export type AccessMode = keyof typeof ACCESS_MODES;
export type FunctionName =
  | 'auth'
  | 'authorizer'
  | 'patients'
  | 'platform'
  | 'analytics-query'
  | 'analytics-consumer'
  | 'publisher'
  | 'pending-billing'
  | 'billing-api'
  | 'billing-publisher'
  | 'key-provisioner'
  | 'topic-creator'
  | 'billing-certificate'
  | 'bootstrap-admin';

/** What invokes a function. */
export type Trigger =
  /** API Gateway, for the routes of system/routes.ts that name the function. */
  | { kind: 'http' }
  /** API Gateway's TOKEN authorizer, before every guarded route. */
  | { kind: 'authorizer' }
  /**
   * DynamoDB Streams event source mappings, one per table (each its own checkpoint), failed records reported one
   * by one. `filters`: only records that match one of them invoke the function (Lambda's filter criteria on AWS
   * and LocalStack, local/pollers/stream-filter.ts locally); the others are skipped and checkpointed unseen.
   */
  | { kind: 'table-streams'; tables: readonly TableName[]; batchSize: number; filters?: readonly FilterPattern[] }
  /** Kafka event source mappings, one per topic (each its own consumer group). */
  | { kind: 'kafka'; sources: readonly KafkaSource[] }
  /** CloudFormation, once per deploy (a custom resource), or `npm run deploy:localstack` where a target runs none. */
  | { kind: 'deploy-time' };

/**
 * A Lambda event filter pattern (the EventBridge syntax) on a record as the function receives it, e.g. a stream
 * record's `dynamodb.NewImage.entity.S`. Objects name fields (all must match); an array lists a field's
 * accepted values (any may match). Only the subset the local matcher implements: exact strings, `prefix` and
 * `exists` (on a leaf: `{ S: [{ exists: false }] }`, never on an attribute's object).
 */
export type FilterCondition = string | { prefix: string } | { exists: boolean };
export interface FilterPattern {
  readonly [field: string]: FilterPattern | readonly FilterCondition[];
}

/** The patients table's stream records of patient items (entity PATIENT, written, not removed). */
const PATIENT_WRITTEN = { entity: { S: ['PATIENT'] } } as const;

/**
 * What each stream reader acts on, so Lambda does not invoke it for the rest (on the patients table about five
 * records in six are email claims, search entries and history versions). Each filter must keep every record
 * its reader uses; the tests hold them against the readers (test/unit/events/stream-filters.test.ts).
 */
export const STREAM_FILTERS = {
  /** patient-events.ts toPatientEvent: a change of a patient item with a new image (a removal is no event). */
  publisher: [{ dynamodb: { NewImage: PATIENT_WRITTEN } }],
  /** patient-events.ts needsBilling: a patient, not deleted, whose billing is PENDING. */
  pendingBilling: [
    {
      dynamodb: {
        NewImage: { ...PATIENT_WRITTEN, billingStatus: { S: ['PENDING'] }, deletedAt: { S: [{ exists: false }] } },
      },
    },
  ],
  /**
   * billing-events.ts toBillingEvent: inserted transactions (entity TRANSACTION), and inserted accounts (no
   * entity, an accountId and a patientId); not idempotency keys, balance updates or removals.
   */
  billingPublisher: [
    { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['TRANSACTION'] } } } },
    {
      eventName: ['INSERT'],
      dynamodb: {
        NewImage: {
          entity: { S: [{ exists: false }] },
          accountId: { S: [{ exists: true }] },
          patientId: { S: [{ exists: true }] },
        },
      },
    },
  ],
} as const satisfies Record<string, readonly FilterPattern[]>;

/**
 * What a function reads from its environment besides its tables' names. Each target says what a setting becomes
 * (`Record<Setting, …>` on AWS in infra/constructs/service-functions.ts, locally in local/environment.ts), so a
 * setting one target lacks fails `tsc`, and a function reading a variable its definition does not name fails
 * locally as it would on AWS.
 */
export type Setting =
  /** JWT_ISSUER, JWT_AUDIENCE. */
  | 'jwt'
  /** The private signing keys: a secret on AWS, a file locally. */
  | 'signingKeys'
  /** The public JWKS: a parameter on AWS, a file locally. */
  | 'publicJwks'
  /** Where mail goes: SES's sender on AWS (when configured), the local mailbox file locally. */
  | 'mail'
  /** The key that seals list cursors: a secret on AWS, a local key file's value. */
  | 'cursorKey'
  /** Write shards of the audit trail's and the patients' index partitions (AUDIT_SHARDS, PATIENT_LIST_SHARDS, PATIENT_SEARCH_SHARDS). */
  | 'writeShards'
  /** Billing's gRPC address (and, on AWS, the authority its TLS certificate comes from). */
  | 'billing'
  /** The Kafka bootstrap brokers and how to authenticate to them. */
  | 'kafka'
  /** Added by the deployment's shape (system/deployment.ts, asDeployed): the token check inside the function, where no Lambda authorizer runs. */
  | 'tokenCheck'
  /** Added by the deployment's shape: the origins whose browser scripts may call the API (system/cors.ts). */
  | 'cors';

/** What each setting becomes in one target: variable names and values. */
export type SettingValues = Record<Setting, Record<string, string>>;

/** The variables of a function's settings in one target (its tables' names come with its table grants). */
export function settingsEnvironment(
  definition: FunctionDefinition,
  variablesOf: (setting: Setting) => Record<string, string>,
): Record<string, string> {
  return Object.assign({}, ...(definition.settings ?? []).map(variablesOf)) as Record<string, string>;
}

export interface FunctionDefinition {
  name: FunctionName;
  /** Path of the handler module, from the project root. */
  entry: string;
  /** Exported handler name. */
  handler: string;
  description: string;
  trigger: Trigger;
  tables: Partial<Record<TableName, AccessMode>>;
  settings?: readonly Setting[];
  /** Topics it writes (IAM on that topic). */
  produces?: readonly TopicName[];
  /** It hashes passwords: CPU-bound, so a deployment caps its concurrency (authReservedConcurrency). */
  hashesPasswords?: boolean;
  memorySize?: number;
  timeoutSeconds?: number;
}

/** A function's timeout when its definition names none (seconds). */
export const DEFAULT_TIMEOUT_SECONDS = 10;

const HTTP = { kind: 'http' } as const;
const DEPLOY_TIME = { kind: 'deploy-time' } as const;

export const functions: Record<FunctionName, FunctionDefinition> = {
  auth: {
    name: 'auth',
    entry: 'functions/auth/handler.ts',
    handler: 'handler',
    trigger: HTTP,
    description:
      'Sign-up, email verification, login, refresh, logout, validate, password change, users and sessions, the JWKS',
    // Sessions: failed-login counters and used verification codes are deleted.
    tables: { users: 'WRITE_ITEMS', sessions: 'RW' },
    settings: ['jwt', 'signingKeys', 'mail'],
    hashesPasswords: true,
    memorySize: 1024, // scrypt: CPU scales with memory
  },
  authorizer: {
    name: 'authorizer',
    entry: 'functions/authorizer/handler.ts',
    handler: 'handler',
    trigger: { kind: 'authorizer' },
    description: 'API Gateway TOKEN authorizer: verifies access tokens with the public key, checks revocation',
    // Revocations by key (GetItem, BatchGetItem through its own small client, functions/authorizer/aws-json.ts).
    tables: { sessions: 'GET_ITEMS' },
    settings: ['jwt', 'publicJwks'],
    memorySize: 256,
  },
  patients: {
    name: 'patients',
    entry: 'functions/patients/handler.ts',
    handler: 'handler',
    trigger: HTTP,
    description: 'Patient records: list, search, read, create, update, soft delete, history, audit trail',
    // Deletes: a soft delete or an email change removes the email claim and search entries (items of their own),
    // and a failed create releases its Idempotency-Key. IAM cannot tell those items from the patient's (same partition).
    tables: { patients: 'RW', audit: 'APPEND_READ', idempotency: 'RW' },
    settings: ['billing', 'cursorKey', 'writeShards'],
    // A create waits up to 2 s for billing (plus retries) inside a DynamoDB transaction round trip.
    memorySize: 512,
    timeoutSeconds: 10,
  },
  platform: {
    name: 'platform',
    entry: 'functions/platform/handler.ts',
    handler: 'handler',
    trigger: HTTP,
    description: 'Health and the OpenAPI document',
    // Unauthenticated: its health check describes the patients table and reads no item.
    tables: { patients: 'DESCRIBE' },
    settings: ['billing', 'kafka'],
    memorySize: 256,
  },
  'analytics-query': {
    name: 'analytics-query',
    entry: 'functions/analytics/query-handler.ts',
    handler: 'handler',
    trigger: HTTP,
    description: 'GET /api/analytics from the aggregates table',
    // The aggregates are read partition by partition (Query), never by key alone.
    tables: { analytics: 'READ_ITEMS' },
    memorySize: 256,
  },
  'analytics-consumer': {
    name: 'analytics-consumer',
    entry: 'functions/analytics/consumer-handler.ts',
    handler: 'handler',
    trigger: { kind: 'kafka', sources: [ANALYTICS_EVENT_SOURCE, BILLING_EVENT_SOURCE] },
    description:
      'Consumes topics "patient" and "billing" (Kafka event sources) into aggregates and EMF metrics, exactly once per event',
    tables: { analytics: 'WRITE_ITEMS' },
  },
  // The patients table's stream has two readers, each retrying on its own: events are never held up or repeated
  // by a billing outage, and billing is not retried because Kafka is down.
  publisher: {
    name: 'publisher',
    entry: 'functions/patients/streams/publish-events.ts',
    handler: 'handler',
    trigger: { kind: 'table-streams', tables: ['patients'], batchSize: 100, filters: STREAM_FILTERS.publisher },
    description: 'Patients table stream to topic "patient" (transactional outbox)',
    // It reads only the table's stream (granted by its event source), no table items.
    tables: {},
    settings: ['kafka'],
    produces: ['patient'],
    timeoutSeconds: 60,
  },
  'pending-billing': {
    name: 'pending-billing',
    entry: 'functions/patients/streams/open-billing.ts',
    handler: 'handler',
    trigger: { kind: 'table-streams', tables: ['patients'], batchSize: 100, filters: STREAM_FILTERS.pendingBilling },
    description: 'Patients table stream: opens the billing account of every PENDING patient (idempotent)',
    tables: { patients: 'WRITE_ITEMS' },
    settings: ['billing'],
    memorySize: 256,
    timeoutSeconds: 60,
  },
  'billing-api': {
    name: 'billing-api',
    entry: 'functions/billing/handler.ts',
    handler: 'handler',
    trigger: HTTP,
    description:
      "A patient's billing account and ledger (calls the billing service over gRPC; billing writes its own data)",
    // The patient record decides who may see the account; every access is audited.
    tables: { patients: 'GET_ITEMS', audit: 'APPEND' },
    settings: ['billing', 'writeShards'],
    memorySize: 512,
  },
  // Billing's outbox: both billing tables' streams, one reader; nothing is lost while Kafka is down.
  'billing-publisher': {
    name: 'billing-publisher',
    entry: 'functions/billing/streams/publish-events.ts',
    handler: 'handler',
    trigger: {
      kind: 'table-streams',
      tables: ['billing-accounts', 'billing-transactions'],
      batchSize: 100,
      filters: STREAM_FILTERS.billingPublisher,
    },
    description:
      'Billing tables\' streams to topic "billing" (transactional outbox: ACCOUNT_OPENED, TRANSACTION_RECORDED)',
    // It reads only the billing tables' streams (granted by its event sources), no table items.
    tables: {},
    settings: ['kafka'],
    produces: ['billing'],
    timeoutSeconds: 60,
  },

  // Deploy-time work. What each touches besides tables (secrets, parameters, the cluster) is granted where the
  // stack makes those resources, and handed over as the custom resource's properties.
  'key-provisioner': {
    name: 'key-provisioner',
    entry: 'functions/custom-resources/key-provisioner.ts',
    handler: 'handler',
    trigger: DEPLOY_TIME,
    description: 'Creates and rotates the token signing keys',
    tables: {},
    memorySize: 256,
    timeoutSeconds: 30,
  },
  'topic-creator': {
    name: 'topic-creator',
    entry: 'functions/custom-resources/create-topic.ts',
    handler: 'handler',
    trigger: DEPLOY_TIME,
    description: 'Creates the Kafka topic on MSK or the self-managed broker',
    tables: {},
    memorySize: 256,
    timeoutSeconds: 120,
  },
  'billing-certificate': {
    name: 'billing-certificate',
    entry: 'functions/custom-resources/billing-certificate.ts',
    handler: 'handler',
    trigger: DEPLOY_TIME,
    description: 'Creates and rotates the billing service TLS certificate',
    tables: {},
    memorySize: 256,
    timeoutSeconds: 30,
  },
  'bootstrap-admin': {
    name: 'bootstrap-admin',
    entry: 'functions/custom-resources/bootstrap-admin.ts',
    handler: 'handler',
    trigger: DEPLOY_TIME,
    description: 'Creates the first admin from its secret',
    // The user and its access state (sessions table, ACCOUNT#); nothing is deleted. It hashes the password.
    tables: { users: 'WRITE_ITEMS', sessions: 'WRITE_ITEMS' },
    memorySize: 1024,
    timeoutSeconds: 60,
  },
};

/** The definitions with one kind of trigger. */
export function functionsTriggeredBy<K extends Trigger['kind']>(
  kind: K,
): (FunctionDefinition & { trigger: Extract<Trigger, { kind: K }> })[] {
  return Object.values(functions).filter(
    (f): f is FunctionDefinition & { trigger: Extract<Trigger, { kind: K }> } => f.trigger.kind === kind,
  );
}

/** The functions that run while the system serves (every one but the deploy-time work). */
export const runtimeFunctions = (): FunctionDefinition[] =>
  Object.values(functions).filter((f) => f.trigger.kind !== 'deploy-time');
