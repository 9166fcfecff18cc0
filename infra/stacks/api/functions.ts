/**
 * Every function that runs while the system serves, built from its definition (system/functions.ts) in the
 * shape of this deployment (system/deployment.ts, asDeployed): its settings become environment variables and the
 * grants they need (AwsSettings), its tables become grants and names, its topics grants to write them.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Stack } from 'aws-cdk-lib';
import type { DeploymentConfig } from '../../config';
import { ServiceFunction } from '../../constructs/service-function';
import {
  runtimeFunctions,
  settingsEnvironment,
  type FunctionDefinition,
  type FunctionName,
  type Setting,
} from '../../../system/functions';
import { asDeployed } from '../../../system/deployment';
import type { TableName } from '../../../system/tables';
import type { KafkaTarget } from '../messaging-stack';

/** What each setting is on AWS: its variables, and what the function must be granted to use them. */
export type AwsSettings = Record<
  Setting,
  { environment: Record<string, string>; grant?: (fn: lambda.IFunction) => void }
>;

export interface ServiceFunctionsProps {
  config: DeploymentConfig;
  key: kms.IKey;
  tables: Record<TableName, dynamodb.ITable>;
  vpc: ec2.IVpc;
  securityGroup: ec2.ISecurityGroup;
  settings: AwsSettings;
  kafka: KafkaTarget;
}

/** A definition with the tier's memory where the tier sets more (auth's 1 GB for scrypt is never lowered). */
function sizedForTier(definition: FunctionDefinition, config: DeploymentConfig): FunctionDefinition {
  const memory = config.functionMemory[definition.name];
  return memory && memory > (definition.memorySize ?? 0) ? { ...definition, memorySize: memory } : definition;
}

/** The functions the deployment runs (no authorizer where the functions check tokens themselves). */
export function buildServiceFunctions(
  stack: Stack,
  props: ServiceFunctionsProps,
): Partial<Record<FunctionName, ServiceFunction>> {
  const { config } = props;
  const shape = { tokenCheckInFunctions: config.tokenCheckInFunctions, cors: config.corsOrigins.length > 0 };
  const built: Partial<Record<FunctionName, ServiceFunction>> = {};
  for (const definition of runtimeFunctions().map((d) => sizedForTier(asDeployed(d, shape), config))) {
    if (definition.trigger.kind === 'authorizer' && config.tokenCheckInFunctions) continue;
    const service = new ServiceFunction(stack, `Fn-${definition.name}`, {
      definition,
      key: props.key,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
      environment: settingsEnvironment(definition, (setting) => props.settings[setting].environment),
      vpc: props.vpc,
      securityGroups: [props.securityGroup],
      // Password hashing is CPU-bound: a flood of logins or sign-ups takes at most these executions.
      reservedConcurrency: definition.hashesPasswords ? config.authReservedConcurrency : undefined,
    });
    service.bindTables(props.tables);
    for (const setting of definition.settings ?? []) props.settings[setting].grant?.(service.fn);
    for (const topic of definition.produces ?? [])
      grantKafka(
        service.fn,
        props.kafka,
        [['topic', topic]],
        ['kafka-cluster:WriteData', 'kafka-cluster:WriteDataIdempotently'],
      );
    built[definition.name] = service;
  }
  return built;
}

/** IAM on MSK topics and groups (none needed on a self-managed broker, which has no IAM). */
export function grantKafka(
  fn: lambda.IFunction,
  kafka: KafkaTarget,
  resources: readonly (readonly ['topic' | 'group', string])[],
  actions: string[],
): void {
  if (!kafka.msk) return;
  const { msk } = kafka;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:DescribeTopic', ...actions],
      resources: [msk.clusterArn, ...resources.map(([kind, name]) => msk.arnOf(kind, name))],
    }),
  );
}
