/**
 * Amazon MSK Serverless (IAM auth, TLS) in the VPC, and topic "patient" created at deploy time with the
 * kafkajs admin client (functions/custom-resources/create-topic.ts). Its bootstrap address is read back for
 * the publisher. With `selfManagedKafkaBrokers` (LocalStack Hobby and Base) there is no cluster: the topic
 * is created on that broker, in plaintext.
 */
import { CfnWaitConditionHandle, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import { DeployTimeResource } from '../constructs/deploy-time-resource';
import { TOPICS } from '../../system/events';
import { functions } from '../../system/functions';
import type { KafkaAuth } from '../../system/events';

export interface MessagingStackProps extends StackProps {
  config: DeploymentConfig;
  vpc: ec2.IVpc;
  functionsSecurityGroup: ec2.ISecurityGroup;
  key: kms.IKey;
}

export const MSK_IAM_PORT = 9098;

/** Where the functions find Kafka: MSK (IAM auth, with the ARNs to grant on) or a self-managed broker. */
export interface KafkaTarget {
  bootstrapBrokers: string;
  auth: KafkaAuth;
  /** MSK: the cluster, and the ARN of one of its topics or consumer groups (for kafka-cluster:* permissions). */
  msk?: { clusterArn: string; arnOf(kind: 'topic' | 'group', name: string): string };
}

export class MessagingStack extends Stack {
  readonly kafka: KafkaTarget;
  private readonly clusterName: string;

  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    super(scope, id, props);
    this.clusterName = `patient-events-${props.config.stage}`;
    const cluster = props.config.selfManagedKafkaBrokers ? undefined : this.mskCluster(props);
    this.kafka = cluster
      ? {
          bootstrapBrokers: cluster.bootstrapBrokers,
          auth: props.config.mskIamAuth ? 'iam' : 'none',
          msk: { clusterArn: cluster.arn, arnOf: (kind, name) => this.clusterResourceArn(cluster.arn, kind, name) },
        }
      : { bootstrapBrokers: props.config.selfManagedKafkaBrokers!, auth: 'none' };

    // Topic "patient" (PatientEvent, the publisher's) and topic "billing" (BillingEvent, the billing publisher's):
    // one handler and one provider for both (the first creates them).
    // As many partitions as the tier's load needs (infra/tiers.ts), never fewer than the topic's own.
    for (const [topic, { partitions }] of Object.entries(TOPICS)) {
      new DeployTimeResource(this, `${topic[0]!.toUpperCase()}${topic.slice(1)}Topic`, {
        ids: { handler: 'TopicCreator', provider: 'TopicProvider' },
        customResource: props.config.customResources,
        definition: functions['topic-creator'],
        key: props.key,
        logRetention: props.config.logRetention,
        removalPolicy: props.config.removalPolicy,
        vpc: props.vpc,
        securityGroups: [props.functionsSecurityGroup],
        properties: {
          Brokers: this.kafka.bootstrapBrokers,
          Auth: this.kafka.auth,
          Topic: topic,
          Partitions: String(Math.max(partitions, props.config.topicPartitions)),
        },
        grant: ({ fn }) => {
          if (!cluster) return;
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              actions: [
                'kafka-cluster:Connect',
                'kafka-cluster:DescribeCluster',
                'kafka-cluster:CreateTopic',
                'kafka-cluster:DescribeTopic',
                'kafka-cluster:AlterTopic',
              ],
              resources: [cluster.arn, this.clusterResourceArn(cluster.arn, 'topic', '*')],
            }),
          );
        },
      });
    }
    // CloudFormation refuses a template without resources; where this stack only carries the topic's
    // provisioning call (self-managed Kafka, no custom resources), a handle that does nothing keeps it valid.
    if (!cluster && !props.config.customResources) new CfnWaitConditionHandle(this, 'Placeholder');
  }

  /**
   * MSK with IAM auth over TLS in the isolated subnets, reachable from the functions only, its bootstrap
   * address read back. Serverless by default; `-c msk=provisioned`: two kafka.t3.small brokers, KMS at
   * rest, TLS in the cluster, broker logs to CloudWatch.
   */
  private mskCluster(props: MessagingStackProps): { arn: string; bootstrapBrokers: string } {
    const securityGroup = new ec2.SecurityGroup(this, 'ClusterSg', {
      vpc: props.vpc,
      description: 'MSK: IAM/TLS from the functions only',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(
      props.functionsSecurityGroup,
      ec2.Port.tcp(MSK_IAM_PORT),
      'Kafka IAM/TLS from the functions',
    );
    // Lambda's Kafka pollers run in the cluster's security group (AWS Lambda developer guide, "Configuring your
    // Amazon MSK cluster and Amazon VPC network for Lambda"): the broker port within the group both ways, and
    // 443 out to the Lambda, STS and SQS endpoints (network-stack.ts) that invoke the consumer and take its failures.
    securityGroup.addIngressRule(
      securityGroup,
      ec2.Port.tcp(MSK_IAM_PORT),
      'Event source mapping pollers to the brokers',
    );
    securityGroup.addEgressRule(
      securityGroup,
      ec2.Port.tcp(MSK_IAM_PORT),
      'Event source mapping pollers to the brokers',
    );
    securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'Event source mapping pollers to the Lambda, STS and SQS endpoints (no internet route)',
    );
    const subnetIds = props.vpc.isolatedSubnets.map((s) => s.subnetId);
    const iamOnly = { sasl: { iam: { enabled: true } } };

    const arn =
      props.config.mskFlavour === 'provisioned'
        ? new msk.CfnCluster(this, 'ProvisionedCluster', {
            clusterName: this.clusterName,
            kafkaVersion: '3.6.0',
            numberOfBrokerNodes: subnetIds.length,
            brokerNodeGroupInfo: {
              instanceType: 'kafka.t3.small',
              clientSubnets: subnetIds,
              securityGroups: [securityGroup.securityGroupId],
              storageInfo: { ebsStorageInfo: { volumeSize: 20 } },
            },
            clientAuthentication: { ...iamOnly, unauthenticated: { enabled: false } },
            encryptionInfo: {
              encryptionAtRest: { dataVolumeKmsKeyId: props.key.keyArn },
              encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
            },
            loggingInfo: {
              brokerLogs: {
                cloudWatchLogs: {
                  enabled: true,
                  logGroup: new logs.LogGroup(this, 'BrokerLogs', {
                    retention: props.config.logRetention,
                    encryptionKey: props.key,
                    removalPolicy: props.config.removalPolicy,
                  }).logGroupName,
                },
              },
            },
          }).attrArn
        : new msk.CfnServerlessCluster(this, 'Cluster', {
            clusterName: this.clusterName,
            clientAuthentication: iamOnly,
            vpcConfigs: [{ subnetIds, securityGroups: [securityGroup.securityGroupId] }],
          }).attrArn;
    const brokers = new AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: arn },
        physicalResourceId: PhysicalResourceId.of(arn),
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [arn] }),
      installLatestAwsSdk: false,
    });
    // LocalStack's MSK brokers speak plaintext only.
    return {
      arn,
      bootstrapBrokers: brokers.getResponseField(
        props.config.mskIamAuth ? 'BootstrapBrokerStringSaslIam' : 'BootstrapBrokerString',
      ),
    };
  }

  /** ARN of a topic or consumer group of the cluster, for kafka-cluster:* permissions. */
  private clusterResourceArn(clusterArn: string, kind: 'topic' | 'group', name: string): string {
    const uuid = Fn.select(2, Fn.split('/', clusterArn));
    return `arn:${this.partition}:kafka:${this.region}:${this.account}:${kind}/${this.clusterName}/${uuid}/${name}`;
  }
}
