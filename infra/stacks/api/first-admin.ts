/**
 * The first admin on AWS: a generated secret {email, password}, and a deploy-time resource that creates that
 * user if absent (functions/custom-resources/bootstrap-admin.ts). The operator reads the secret once and rotates it.
 */
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { DeploymentConfig } from '../../config';
import { DeployTimeResource } from '../../constructs/deploy-time-resource';
import { functions } from '../../../system/functions';
import { tableEnvVar, type TableName } from '../../../system/tables';
import { grantSecretRead } from './settings';

export interface FirstAdminProps {
  config: DeploymentConfig;
  key: kms.IKey;
  tables: Record<TableName, dynamodb.ITable>;
  vpc: ec2.IVpc;
  securityGroup: ec2.ISecurityGroup;
}

export function bootstrapFirstAdmin(stack: Stack, props: FirstAdminProps): void {
  const { config } = props;
  const definition = functions['bootstrap-admin'];
  const secret = new secretsmanager.Secret(stack, 'FirstAdmin', {
    description: 'First admin login; read it once, log in, change the password',
    encryptionKey: props.key,
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ email: config.firstAdminEmail ?? 'admin@example.com' }),
      generateStringKey: 'password',
      passwordLength: 32,
      excludePunctuation: true,
    },
    removalPolicy: config.removalPolicy,
  });
  new DeployTimeResource(stack, 'FirstAdminUser', {
    ids: { handler: 'FirstAdminBootstrap', provider: 'FirstAdminProvider' },
    customResource: config.customResources,
    definition,
    key: props.key,
    logRetention: config.logRetention,
    removalPolicy: config.removalPolicy,
    vpc: props.vpc,
    securityGroups: [props.securityGroup],
    properties: { SecretId: secret.secretArn },
    // Where the deploy script makes the call, it needs the tables' names (a custom resource's function gets them with its grants).
    environment: Object.fromEntries(
      Object.keys(definition.tables).map((t) => [tableEnvVar(t as TableName), props.tables[t as TableName].tableName]),
    ),
    grant: (handler) => {
      handler.bindTables(props.tables);
      grantSecretRead(handler.fn, secret);
    },
  });
  new CfnOutput(stack, 'FirstAdminSecretArn', {
    value: secret.secretArn,
    description: 'Secret holding the first admin login',
  });
}
