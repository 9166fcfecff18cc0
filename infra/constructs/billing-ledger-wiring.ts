/**
 * The billing ledger's event flow on AWS, beside what the route table and the function definitions already
 * build: the billing publisher reads both billing tables' streams (billing's outbox) and writes topic
 * "billing"; the analytics consumer reads topic "billing" through its own event source mapping (its own
 * consumer group); IAM on exactly that topic and group. Kept apart from the API stack so that stack only calls it.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { BILLING_EVENT_SOURCE } from '../../functions/analytics/event-source';
import type { KafkaTarget } from '../stacks/messaging-stack';

export interface BillingLedgerWiringProps {
  publisher: lambda.Function;
  consumer: lambda.IFunction;
  tables: { accounts: dynamodb.ITable; transactions: dynamodb.ITable };
  kafka: KafkaTarget;
  failures: sqs.IQueue;
  vpc: ec2.IVpc;
  securityGroup: ec2.ISecurityGroup;
  /** Lambda polls Kafka; otherwise (LocalStack Hobby) the sidecars' poller invokes the consumer with topic billing too. */
  kafkaEventSourceMapping: boolean;
}

function grantKafka(fn: lambda.IFunction, clusterArn: string, resources: string[], actions: string[]): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:DescribeTopic', ...actions],
    resources: [clusterArn, ...resources],
  }));
}

export function wireBillingLedger(props: BillingLedgerWiringProps): void {
  const { publisher, consumer, kafka } = props;
  publisher.addEnvironment('KAFKA_BROKERS', kafka.bootstrapBrokers);
  publisher.addEnvironment('KAFKA_AUTH', kafka.auth);
  // Two streams, one reader: each retries on its own shard iterator, and nothing is lost while Kafka is down.
  for (const table of [props.tables.accounts, props.tables.transactions]) {
    publisher.addEventSource(new sources.DynamoEventSource(table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON, batchSize: 100,
      bisectBatchOnError: true, reportBatchItemFailures: true, retryAttempts: 10_000, onFailure: new sources.SqsDlq(props.failures),
    }));
  }
  const source = {
    topic: BILLING_EVENT_SOURCE.topic, consumerGroupId: BILLING_EVENT_SOURCE.groupId,
    startingPosition: lambda.StartingPosition.TRIM_HORIZON, batchSize: BILLING_EVENT_SOURCE.batchSize, onFailure: new sources.SqsDlq(props.failures),
  };
  if (kafka.msk?.billing) {
    const { clusterArn, billing } = { clusterArn: kafka.msk.clusterArn, billing: kafka.msk.billing };
    grantKafka(publisher, clusterArn, [billing.topicArn], ['kafka-cluster:WriteData', 'kafka-cluster:WriteDataIdempotently']);
    grantKafka(consumer, clusterArn, [billing.topicArn, billing.groupArn], ['kafka-cluster:ReadData', 'kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup']);
    if (props.kafkaEventSourceMapping) consumer.addEventSource(new sources.ManagedKafkaEventSource({ ...source, clusterArn }));
  } else if (props.kafkaEventSourceMapping) {
    consumer.addEventSource(new sources.SelfManagedKafkaEventSource({
      ...source, bootstrapServers: kafka.bootstrapBrokers.split(','),
      vpc: props.vpc, vpcSubnets: { subnets: props.vpc.isolatedSubnets }, securityGroup: props.securityGroup,
    }));
  }
}
