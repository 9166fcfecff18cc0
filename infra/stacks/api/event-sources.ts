/**
 * The event source mappings of every function a table stream or a Kafka topic triggers (system/functions.ts):
 * stream readers start at the oldest record, see only the records their filters admit, report failed records
 * one by one and retry on their own (a record that keeps failing goes to the failures queue); Kafka consumers read their topic in their own group.
 * Where the target has no Kafka event source mappings (LocalStack Hobby), `npm run localstack:sidecars` polls
 * the topics and invokes the consumer instead.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { functionsTriggeredBy, type FunctionName } from '../../../system/functions';
import type { TableName } from '../../../system/tables';
import type { KafkaTarget } from '../messaging-stack';
import { grantKafka } from './functions';

export interface EventSourcesProps {
  functions: Partial<Record<FunctionName, lambda.IFunction>>;
  tables: Record<TableName, dynamodb.ITable>;
  kafka: KafkaTarget;
  key: kms.IKey;
  vpc: ec2.IVpc;
  securityGroup: ec2.ISecurityGroup;
  kafkaEventSourceMapping: boolean;
}

export function connectEventSources(stack: Stack, props: EventSourcesProps): void {
  const failures = new sqs.Queue(stack, 'EventFailures', {
    encryptionMasterKey: props.key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  for (const { name, trigger } of functionsTriggeredBy('table-streams')) {
    for (const table of trigger.tables) {
      props.functions[name]!.addEventSource(
        new sources.DynamoEventSource(props.tables[table], {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: trigger.batchSize,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          retryAttempts: 10_000,
          onFailure: new sources.SqsDlq(failures),
          // Only the records the reader acts on invoke it; Lambda checkpoints the others unseen.
          filters: trigger.filters?.map((pattern) => lambda.FilterCriteria.filter({ ...pattern })),
        }),
      );
    }
  }
  for (const { name, trigger } of functionsTriggeredBy('kafka')) {
    const fn = props.functions[name]!;
    grantKafka(
      fn,
      props.kafka,
      trigger.sources.flatMap(
        (s) =>
          [
            ['topic', s.topic],
            ['group', s.groupId],
          ] as const,
      ),
      ['kafka-cluster:ReadData', 'kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
    );
    if (!props.kafkaEventSourceMapping) continue;
    for (const source of trigger.sources) {
      const common = {
        topic: source.topic,
        consumerGroupId: source.groupId,
        batchSize: source.batchSize,
        // No maxBatchingWindow: it takes whole seconds, and left unset Lambda batches Kafka for 500 ms
        // (source.batchWindowMs, which the local poller uses).
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        onFailure: new sources.SqsDlq(failures),
      };
      fn.addEventSource(
        props.kafka.msk
          ? new sources.ManagedKafkaEventSource({ ...common, clusterArn: props.kafka.msk.clusterArn })
          : new sources.SelfManagedKafkaEventSource({
              ...common,
              bootstrapServers: props.kafka.bootstrapBrokers.split(','),
              vpc: props.vpc,
              vpcSubnets: { subnets: props.vpc.isolatedSubnets },
              securityGroup: props.securityGroup,
            }),
      );
    }
  }
}
