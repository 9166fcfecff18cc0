/**
 * The functions of infra/definitions/functions.ts and the REST API of infra/definitions/routes.ts:
 * stage "prod", a TOKEN authorizer on authorized routes, problem+json gateway responses, JSON access
 * logs without bodies, stage throttling; the publisher and pending billing on the patients stream and the analytics
 * consumer on topic "patient".
 */
import { CfnOutput, CustomResource, Duration, Stack, type StackProps } from 'aws-cdk-lib';
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
import { Provider } from 'aws-cdk-lib/custom-resources';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import { ServiceFunction } from '../constructs/service-function';
import { wireBillingLedger } from '../constructs/billing-ledger-wiring';
import type { KafkaTarget } from './messaging-stack';
import { functions, type FunctionName } from '../definitions/functions';
import { AUTHORIZER_CACHE_TTL_SECONDS, guardedFunctions, routes, TOKEN_CHECK_VARIABLE } from '../definitions/routes';
import { CORS, CORS_ORIGINS_VARIABLE } from '../definitions/cors';
import type { TableName } from '../definitions/tables';
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

const JWT = { JWT_ISSUER: 'patient-management', JWT_AUDIENCE: 'patient-management-api' };
const GATEWAY_ERRORS: [apigw.ResponseType, number][] = [
  [apigw.ResponseType.UNAUTHORIZED, 401], [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 404],
  [apigw.ResponseType.ACCESS_DENIED, 403], [apigw.ResponseType.AUTHORIZER_FAILURE, 500],
  [apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, 500], [apigw.ResponseType.REQUEST_TOO_LARGE, 413],
  [apigw.ResponseType.THROTTLED, 429], [apigw.ResponseType.DEFAULT_4XX, 400], [apigw.ResponseType.DEFAULT_5XX, 500],
];

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
      auth: { ...JWT, SIGNING_KEYS_SECRET_ARN: props.signingKeys.secretArn },
      authorizer: { ...JWT, PUBLIC_JWKS_PARAMETER: props.publicJwks.parameterName },
      patients: { ...billing, CURSOR_KEY_SECRET_ARN: props.cursorKey.secretArn },
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
        definition, key: props.key, logRetention: config.logRetention, environment: environment[definition.name],
        vpc: props.vpc, securityGroups: [props.functionsSecurityGroup],
        memorySize: definition.name === 'auth' ? 1024 : undefined, // scrypt: CPU scales with memory
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
    built['analytics-consumer'].fn.addEventSource(props.kafka.msk
      ? new sources.ManagedKafkaEventSource({ ...kafkaSource, clusterArn: props.kafka.msk.clusterArn })
      : new sources.SelfManagedKafkaEventSource({
          ...kafkaSource, bootstrapServers: props.kafka.bootstrapBrokers.split(','),
          vpc: props.vpc, vpcSubnets: { subnets: props.vpc.isolatedSubnets }, securityGroup: props.functionsSecurityGroup,
        }));
    wireBillingLedger({
      publisher: built['billing-publisher'].fn, consumer: built['analytics-consumer'].fn, kafka: props.kafka, failures,
      tables: { accounts: props.tables['billing-accounts'], transactions: props.tables['billing-transactions'] },
      vpc: props.vpc, securityGroup: props.functionsSecurityGroup,
    });

    this.bootstrapFirstAdmin(props);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: config.logRetention, encryptionKey: props.key, removalPolicy: config.removalPolicy });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `patient-management-${config.stage}`,
      description: 'Patient Management API (contract v1)',
      cloudWatchRole: false,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The preflight is answered by API Gateway itself (a mock integration), never by a function.
      ...(config.corsOrigins.length > 0 ? {
        defaultCorsPreflightOptions: {
          allowOrigins: config.corsOrigins, allowMethods: [...CORS.allowMethods], allowHeaders: [...CORS.allowHeaders],
          maxAge: Duration.seconds(CORS.maxAgeSeconds),
        },
      } : {}),
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
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
    for (const [type, status] of GATEWAY_ERRORS) {
      const problem = problemOf(status, '');
      this.api.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        // The two defaults keep the status API Gateway chose; the others have one status each.
        statusCode: type === apigw.ResponseType.DEFAULT_4XX || type === apigw.ResponseType.DEFAULT_5XX ? undefined : String(status),
        // With CORS on, readable from any origin: these answers carry no data (the functions' own answers name the origin).
        responseHeaders: { 'Content-Type': "'application/problem+json'", ...(config.corsOrigins.length > 0 ? { 'Access-Control-Allow-Origin': "'*'" } : {}) },
        templates: { 'application/json': JSON.stringify({ ...problem, detail: '$context.error.message' }) },
      });
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
    const bootstrap = new ServiceFunction(this, 'FirstAdminBootstrap', {
      definition: { name: 'bootstrap-admin' as FunctionName, entry: 'functions/auth/bootstrap-admin.ts', handler: 'handler',
        description: 'Creates the first admin from its secret (CloudFormation custom resource)', tables: { users: 'RW', sessions: 'RW' } },
      key: props.key, logRetention: props.config.logRetention, vpc: props.vpc, securityGroups: [props.functionsSecurityGroup],
      memorySize: 1024, timeout: Duration.seconds(60),
    });
    bootstrap.bindTables(props.tables);
    grantSecretRead(bootstrap.fn, secret);
    new CustomResource(this, 'FirstAdminUser', {
      serviceToken: new Provider(this, 'FirstAdminProvider', { onEventHandler: bootstrap.fn }).serviceToken,
      properties: { SecretId: secret.secretArn },
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
