/**
 * The serving side: every function of system/functions.ts with its settings, grants and event sources, the REST
 * API of system/routes.ts in front of them, and the first admin. Each part is built by its own file under
 * infra/stacks/api/; this stack only hands them what the other stacks made.
 */
import { Annotations, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import type { FunctionName } from '../../system/functions';
import type { TableName } from '../../system/tables';
import type { KafkaTarget } from './messaging-stack';
import { connectEventSources } from './api/event-sources';
import { bootstrapFirstAdmin } from './api/first-admin';
import { buildServiceFunctions } from './api/functions';
import { buildRestApi } from './api/rest-api';
import { awsSettings } from './api/settings';

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

export class ApiStack extends Stack {
  readonly api: apigw.RestApi;
  /** Every function built here (no authorizer where the functions check tokens themselves). */
  readonly functions: Partial<Record<FunctionName, lambda.IFunction>>;
  /** Where the auth function writes its security events. */
  readonly authLogGroup: logs.ILogGroup;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const network = { vpc: props.vpc, securityGroup: props.functionsSecurityGroup };
    const built = buildServiceFunctions(this, {
      config,
      key: props.key,
      tables: props.tables,
      kafka: props.kafka,
      ...network,
      settings: awsSettings(this, { ...props }),
    });
    this.functions = Object.fromEntries(Object.entries(built).map(([name, service]) => [name, service.fn]));
    this.authLogGroup = built.auth!.fn.logGroup;
    if (!config.mail)
      Annotations.of(this).addWarning(
        'No mailFrom: sign-up sends no verification mail, so patient users cannot verify their address (set -c mailFrom=...)',
      );

    connectEventSources(this, {
      functions: this.functions,
      tables: props.tables,
      kafka: props.kafka,
      key: props.key,
      ...network,
      kafkaEventSourceMapping: config.kafkaEventSourceMapping,
    });
    bootstrapFirstAdmin(this, { config, key: props.key, tables: props.tables, ...network });
    ({ api: this.api, accessLogs: this.accessLogs } = buildRestApi(this, {
      config,
      key: props.key,
      functions: this.functions,
    }));
  }
}
