/**
 * The functions of infra/definitions/functions.ts and the REST API of infra/definitions/routes.ts:
 * stage "prod", a TOKEN authorizer on authorized routes, problem+json gateway responses, JSON access
 * logs without bodies, stage throttling; the publisher and pending billing on the patients stream and the analytics
 * consumer on topic "patient".
 */
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import { ApiFirewall } from '../constructs/api-firewall';
import { DeployTimeResource } from '../constructs/deploy-time-resource';
import { ServiceFunction } from '../constructs/service-function';
import { wireBillingLedger } from '../constructs/billing-ledger-wiring';
import type { KafkaTarget } from './messaging-stack';
import { functions, type FunctionName } from '../definitions/functions';
import { AUTH_PATH_PREFIXES, AUTHORIZER_CACHE_TTL_SECONDS, authPostRoutes, guardedFunctions, routes, TOKEN_CHECK_VARIABLE } from '../definitions/routes';
import { CORS, CORS_ORIGINS_VARIABLE } from '../definitions/cors';
import { tableEnvVar, type TableName } from '../definitions/tables';
import { ANALYTICS_EVENT_SOURCE } from '../../functions/analytics/event-source';
import { problemOf } from '../../functions/commons/errors';

export interface ApiStackProps extends StackProps {
  config: DeploymentConfig;
  key: kms.IKey;
  tables: Record<TableName, dynamodb.ITable>;
  signingKeys: secretsmanager.ISecret;
  publicJwks: ssm.IStringParameter;
  cursorKey: secretsmanager.ISecret;
  vpc: ec2.IVpc;
  functionsSecurityGroup: ec2.ISecurityGroup;
  billingAddress: string;
  /** The certificate authority billing's certificate comes from (TLS); absent where billing runs elsewhere in plaintext (LocalStack community). */
  billingTlsAuthority?: string;
  kafka: KafkaTarget;
}

const STAGE_NAME = 'prod';
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The auth paths as a request line has them: behind a custom domain, or after the stage name on the default endpoint. */
const AUTH_PATHS = `^(/${STAGE_NAME})?(${AUTH_PATH_PREFIXES.map(escapeRegex).join('|')})`;

const JWT = { JWT_ISSUER: 'patient-management', JWT_AUDIENCE: 'patient-management-api' };
const GATEWAY_ERRORS: [apigw.ResponseType, number][] = [
  [apigw.ResponseType.UNAUTHORIZED, 401], [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 404],
  [apigw.ResponseType.ACCESS_DENIED, 403], [apigw.ResponseType.AUTHORIZER_FAILURE, 500],
  [apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, 500], [apigw.ResponseType.REQUEST_TOO_LARGE, 413],
  [apigw.ResponseType.THROTTLED, 429], [apigw.ResponseType.DEFAULT_4XX, 400], [apigw.ResponseType.DEFAULT_5XX, 500],
];

/** On every gateway answer (values are quoted: API Gateway reads them as literals); a 401 also names the scheme (RFC 6750). */
const GATEWAY_ERROR_HEADERS = { 'X-Content-Type-Options': "'nosniff'", 'Cache-Control': "'no-store'" };

function grantSecretRead(fn: lambda.IFunction, secret: secretsmanager.ISecret): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [secret.secretArn] }));
}

export class ApiStack extends Stack {
  readonly api: apigw.RestApi;
  /** Every function built here (no authorizer where the functions check tokens themselves). */
  readonly functions: Partial<Record<FunctionName, lambda.IFunction>> = {};
  /** Where the auth function writes its security events. */
  readonly authLogGroup: logs.ILogGroup;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const billing: Record<string, string> = {
      BILLING_ADDRESS: props.billingAddress, ...(props.billingTlsAuthority ? { BILLING_TLS_CA: props.billingTlsAuthority } : {}),
    };
    const environment: Partial<Record<FunctionName, Record<string, string>>> = {
      auth: { ...JWT, SIGNING_KEYS_SECRET_ARN: props.signingKeys.secretArn, ...(config.mail ? { MAIL_FROM: config.mail.from } : {}) },
      authorizer: { ...JWT, PUBLIC_JWKS_PARAMETER: props.publicJwks.parameterName },
      patients: { ...billing, CURSOR_KEY_SECRET_ARN: props.cursorKey.secretArn, AUDIT_SHARDS: String(config.auditShards) },
      platform: { ...billing, KAFKA_BROKERS: props.kafka.bootstrapBrokers },
      publisher: { KAFKA_BROKERS: props.kafka.bootstrapBrokers, KAFKA_AUTH: props.kafka.auth, KAFKA_TOPIC: ANALYTICS_EVENT_SOURCE.topic },
      'pending-billing': billing,
      'billing-api': billing,
    };
    // Without a Lambda authorizer, the functions behind guarded routes make its decision themselves.
    const guarded = config.tokenCheckInFunctions ? guardedFunctions() : [];
    for (const name of guarded) environment[name] = { ...environment[name], ...environment.authorizer, [TOKEN_CHECK_VARIABLE]: 'true' };
    // Browser access: the functions behind routes add the CORS headers to what they answer.
    if (config.corsOrigins.length > 0) {
      for (const name of new Set(routes.map((r) => r.function))) environment[name] = { ...environment[name], [CORS_ORIGINS_VARIABLE]: config.corsOrigins.join(',') };
    }
    const built = {} as Record<FunctionName, ServiceFunction>;
    for (const definition of Object.values(functions)) {
      if (definition.name === 'authorizer' && config.tokenCheckInFunctions) continue;
      const service = new ServiceFunction(this, `Fn-${definition.name}`, {
        definition, key: props.key, logRetention: config.logRetention, removalPolicy: config.removalPolicy, environment: environment[definition.name],
        vpc: props.vpc, securityGroups: [props.functionsSecurityGroup],
        // Password hashing is CPU-bound: a flood of logins or sign-ups takes at most these executions.
        reservedConcurrency: definition.name === 'auth' ? config.authReservedConcurrency : undefined,
      });
      service.bindTables(props.tables);
      built[definition.name] = service;
      this.functions[definition.name] = service.fn;
    }
    // Secrets are read through the functions' own policies (their key grant is there too); a
    // Secret.grantRead would write the role into the Stateful stack's key policy and tie the stacks in a cycle.
    this.authLogGroup = built.auth.fn.logGroup;
    grantSecretRead(built.auth.fn, props.signingKeys);
    grantSecretRead(built.patients.fn, props.cursorKey);
    if (config.mail) this.verificationMail(built.auth.fn, config.mail);
    else Annotations.of(this).addWarning('No mailFrom: sign-up sends no verification mail, so patient users cannot verify their address (set -c mailFrom=...)');
    if (!config.tokenCheckInFunctions) props.publicJwks.grantRead(built.authorizer.fn);
    // Where the guarded functions decide themselves, they get the authorizer's access: public keys, revocations.
    for (const name of guarded) {
      props.publicJwks.grantRead(built[name].fn);
      built[name].bindTable('sessions', props.tables.sessions, functions.authorizer.tables.sessions!);
    }
    if (props.kafka.msk) {
      this.grantKafka(built.publisher.fn, props.kafka.msk, ['kafka-cluster:WriteData', 'kafka-cluster:WriteDataIdempotently']);
      this.grantKafka(built['analytics-consumer'].fn, props.kafka.msk, ['kafka-cluster:ReadData', 'kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup']);
    }

    const failures = new sqs.Queue(this, 'EventFailures', {
      encryptionMasterKey: props.key, enforceSSL: true, retentionPeriod: Duration.days(14),
    });
    // Two readers of the patients stream, each retrying on its own: events are never held up or
    // repeated by a billing outage, and billing is not retried because Kafka is down.
    for (const name of ['publisher', 'pending-billing'] as const) {
      built[name].fn.addEventSource(new sources.DynamoEventSource(props.tables.patients, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON, batchSize: 100,
        bisectBatchOnError: true, reportBatchItemFailures: true, retryAttempts: 10_000, onFailure: new sources.SqsDlq(failures),
      }));
    }
    const kafkaSource = {
      topic: ANALYTICS_EVENT_SOURCE.topic, consumerGroupId: ANALYTICS_EVENT_SOURCE.groupId,
      // No maxBatchingWindow: it takes whole seconds, and left unset Lambda batches Kafka for 500 ms
      // (ANALYTICS_EVENT_SOURCE.batchWindowMs, which the local poller uses).
      startingPosition: lambda.StartingPosition.TRIM_HORIZON, batchSize: ANALYTICS_EVENT_SOURCE.batchSize,
      onFailure: new sources.SqsDlq(failures),
    };
    // Without Kafka event source mappings (LocalStack Hobby), the sidecars' poller invokes the consumer.
    if (config.kafkaEventSourceMapping) {
      built['analytics-consumer'].fn.addEventSource(props.kafka.msk
        ? new sources.ManagedKafkaEventSource({ ...kafkaSource, clusterArn: props.kafka.msk.clusterArn })
        : new sources.SelfManagedKafkaEventSource({
            ...kafkaSource, bootstrapServers: props.kafka.bootstrapBrokers.split(','),
            vpc: props.vpc, vpcSubnets: { subnets: props.vpc.isolatedSubnets }, securityGroup: props.functionsSecurityGroup,
          }));
    }
    wireBillingLedger({
      publisher: built['billing-publisher'].fn, consumer: built['analytics-consumer'].fn, kafka: props.kafka, failures,
      tables: { accounts: props.tables['billing-accounts'], transactions: props.tables['billing-transactions'] },
      vpc: props.vpc, securityGroup: props.functionsSecurityGroup, kafkaEventSourceMapping: config.kafkaEventSourceMapping,
    });

    this.bootstrapFirstAdmin(props);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: config.logRetention, encryptionKey: props.key, removalPolicy: config.removalPolicy });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `patient-management-${config.stage}`,
      description: 'Patient Management API (contract v1)',
      // Stage logging needs the account's API Gateway CloudWatch role: set here (kept on delete: other APIs of
      // the account and region log through it) unless the account manages it (-c apiGatewayCloudWatchRole=false).
      cloudWatchRole: config.apiGatewayCloudWatchRole,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The preflight is answered by API Gateway itself (a mock integration), never by a function.
      ...(config.corsOrigins.length > 0 ? {
        defaultCorsPreflightOptions: {
          allowOrigins: config.corsOrigins, allowMethods: [...CORS.allowMethods], allowHeaders: [...CORS.allowHeaders],
          maxAge: Duration.seconds(CORS.maxAgeSeconds),
        },
      } : {}),
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
        // Tighter on the routes that hash passwords, issue tokens or send mail (API Gateway limits per method, not per client).
        methodOptions: Object.fromEntries(authPostRoutes().map((r) => [`${r.path}/${r.method}`, {
          throttlingRateLimit: config.authThrottle.rateLimit, throttlingBurstLimit: config.authThrottle.burstLimit, metricsEnabled: true,
        }])),
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        // Who, what, outcome and timing; never bodies, query strings or headers (personal data).
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId', ip: '$context.identity.sourceIp', method: '$context.httpMethod',
          resource: '$context.resourcePath', status: '$context.status', latencyMs: '$context.responseLatency',
          integrationLatencyMs: '$context.integration.latency', principal: '$context.authorizer.principalId',
          requestTime: '$context.requestTimeEpoch', responseLength: '$context.responseLength',
        })),
      },
    });
    const validator = this.api.addRequestValidator('Validator', { validateRequestParameters: true });
    const authorizer = config.tokenCheckInFunctions ? undefined : new apigw.TokenAuthorizer(this, 'TokenAuthorizer', {
      handler: built.authorizer.fn, identitySource: apigw.IdentitySource.header('Authorization'),
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_TTL_SECONDS),
    });
    const integrations = new Map<FunctionName, apigw.LambdaIntegration>();
    for (const route of routes) {
      if (!integrations.has(route.function)) integrations.set(route.function, new apigw.LambdaIntegration(built[route.function].fn));
      this.api.root.resourceForPath(route.path).addMethod(route.method, integrations.get(route.function), {
        authorizer: route.authorized ? authorizer : undefined,
        authorizationType: route.authorized && authorizer ? apigw.AuthorizationType.CUSTOM : apigw.AuthorizationType.NONE,
        requestValidator: validator,
      });
    }
    if (config.waf) {
      new ApiFirewall(this, 'Firewall', {
        stage: this.api.deploymentStage, name: `patient-management-${config.stage}`, ...config.waf, authPaths: AUTH_PATHS,
        key: props.key, logRetention: config.logRetention, removalPolicy: config.removalPolicy,
      });
    }
    for (const [type, status] of GATEWAY_ERRORS) {
      const problem = problemOf(status, '');
      this.api.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        // The two defaults keep the status API Gateway chose; the others have one status each.
        statusCode: type === apigw.ResponseType.DEFAULT_4XX || type === apigw.ResponseType.DEFAULT_5XX ? undefined : String(status),
        // With CORS on, readable from any origin: these answers carry no data (the functions' own answers name the origin).
        responseHeaders: {
          'Content-Type': "'application/problem+json'", ...GATEWAY_ERROR_HEADERS, ...(status === 401 ? { 'WWW-Authenticate': "'Bearer'" } : {}),
          ...(config.corsOrigins.length > 0 ? { 'Access-Control-Allow-Origin': "'*'" } : {}),
        },
        templates: { 'application/json': JSON.stringify({ ...problem, detail: '$context.error.message' }) },
      });
    }
  }

  /**
   * The SES identity the verification mail is sent as (the address, or its whole domain: then its DKIM
   * records are outputs, to add to the domain's DNS), and the auth function's right to send as that address.
   */
  private verificationMail(fn: lambda.IFunction, mail: NonNullable<DeploymentConfig['mail']>): void {
    const identity = new ses.EmailIdentity(this, 'MailIdentity', { identity: mail.domain ? ses.Identity.domain(mail.domain) : ses.Identity.email(mail.from) });
    // SES checks the sender's identity and, while the account is in the SES sandbox, every recipient's too
    // (verified addresses of this account): so any identity of this account and region, From this address only.
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
      conditions: { StringEquals: { 'ses:FromAddress': mail.from } },
    }));
    if (mail.domain) {
      identity.dkimRecords.forEach((record, i) => new CfnOutput(this, `MailDkimRecord${i + 1}`, {
        value: `${record.name} CNAME ${record.value}`, description: `DNS record ${i + 1} of 3 that verifies ${mail.domain} for SES (Easy DKIM)`,
      }));
    }
  }

  /**
   * The first admin on AWS: a generated secret {email, password}, and a custom resource that creates that
   * user if absent (functions/auth/bootstrap-admin.ts). The operator reads the secret once and rotates it.
   */
  private bootstrapFirstAdmin(props: ApiStackProps): void {
    const secret = new secretsmanager.Secret(this, 'FirstAdmin', {
      description: 'First admin login; read it once, log in, change the password',
      encryptionKey: props.key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ email: props.config.firstAdminEmail ?? 'admin@example.com' }),
        generateStringKey: 'password', passwordLength: 32, excludePunctuation: true,
      },
      removalPolicy: props.config.removalPolicy,
    });
    new DeployTimeResource(this, 'FirstAdminUser', {
      ids: { handler: 'FirstAdminBootstrap', provider: 'FirstAdminProvider' },
      customResource: props.config.customResources, name: 'bootstrap-admin', entry: 'functions/auth/bootstrap-admin.ts',
      description: 'Creates the first admin from its secret',
      key: props.key, logRetention: props.config.logRetention, removalPolicy: props.config.removalPolicy,
      vpc: props.vpc, securityGroups: [props.functionsSecurityGroup], memorySize: 1024, timeout: Duration.seconds(60),
      properties: { SecretId: secret.secretArn }, environment: { [tableEnvVar('users')]: props.tables.users.tableName, [tableEnvVar('sessions')]: props.tables.sessions.tableName },
      grant: (handler) => {
        // The user and its access state (sessions table, ACCOUNT#); nothing is deleted.
        handler.bindTable('users', props.tables.users, 'WRITE_ITEMS');
        handler.bindTable('sessions', props.tables.sessions, 'WRITE_ITEMS');
        grantSecretRead(handler.fn, secret);
      },
    });
    new CfnOutput(this, 'FirstAdminSecretArn', { value: secret.secretArn, description: 'Secret holding the first admin login' });
  }

  private grantKafka(fn: lambda.IFunction, msk: NonNullable<KafkaTarget['msk']>, actions: string[]): void {
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:DescribeTopic', ...actions],
      resources: [msk.clusterArn, msk.topicArn, msk.groupArn],
    }));
  }
}
