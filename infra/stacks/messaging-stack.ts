/**
 * Amazon MSK Serverless (IAM auth, TLS) in the VPC, and topic "patient" created at deploy time by a
 * custom resource using the kafkajs admin client. Its bootstrap address is read back for the publisher.
 */
import { CustomResource, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as msk from 'aws-cdk-lib/aws-msk';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, Provider } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import { ServiceFunction } from '../constructs/service-function';
import { ANALYTICS_EVENT_SOURCE } from '../../functions/analytics/event-source';

export interface MessagingStackProps extends StackProps {
  config: DeploymentConfig;
  vpc: ec2.IVpc;
  functionsSecurityGroup: ec2.ISecurityGroup;
  key: kms.IKey;
}

export const MSK_IAM_PORT = 9098;

export class MessagingStack extends Stack {
  readonly cluster: msk.CfnServerlessCluster;
  readonly bootstrapBrokers: string;
  readonly clusterSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    super(scope, id, props);
    this.clusterSecurityGroup = new ec2.SecurityGroup(this, 'ClusterSg', { vpc: props.vpc, description: 'MSK Serverless: IAM/TLS from the functions only', allowAllOutbound: false });
    this.clusterSecurityGroup.addIngressRule(props.functionsSecurityGroup, ec2.Port.tcp(MSK_IAM_PORT), 'Kafka IAM/TLS from the functions');
    this.clusterSecurityGroup.addIngressRule(this.clusterSecurityGroup, ec2.Port.allTcp(), 'Event source mapping pollers share the cluster SG');

    this.cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
      clusterName: `patient-events-${props.config.stage}`,
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [{ subnetIds: props.vpc.isolatedSubnets.map((s) => s.subnetId), securityGroups: [this.clusterSecurityGroup.securityGroupId] }],
    });

    const brokers = new AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka', action: 'getBootstrapBrokers', parameters: { ClusterArn: this.cluster.attrArn },
        physicalResourceId: PhysicalResourceId.of(this.cluster.attrArn),
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.cluster.attrArn] }),
      installLatestAwsSdk: false,
    });
    this.bootstrapBrokers = brokers.getResponseField('BootstrapBrokerStringSaslIam');

    const topicCreator = new ServiceFunction(this, 'TopicCreator', {
      definition: { name: 'topic-creator' as never, entry: 'infra/custom-resources/create-topic.ts', handler: 'handler',
        description: 'Creates Kafka topics on the MSK cluster (CloudFormation custom resource)', tables: {} },
      key: props.key, logRetention: props.config.logRetention, vpc: props.vpc, securityGroups: [props.functionsSecurityGroup],
      timeout: Duration.minutes(2), memorySize: 256,
    });
    topicCreator.fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'],
      resources: [this.cluster.attrArn, this.clusterResourceArn('topic', '*')],
    }));
    new CustomResource(this, 'PatientTopic', {
      serviceToken: new Provider(this, 'TopicProvider', { onEventHandler: topicCreator.fn }).serviceToken,
      properties: { Brokers: this.bootstrapBrokers, Topic: ANALYTICS_EVENT_SOURCE.topic, Partitions: ANALYTICS_EVENT_SOURCE.partitions },
    });
  }

  /** ARN of a topic or consumer group of this cluster, for kafka-cluster:* permissions. */
  clusterResourceArn(kind: 'topic' | 'group', name: string): string {
    const uuid = Fn.select(2, Fn.split('/', this.cluster.attrArn));
    return `arn:${this.partition}:kafka:${this.region}:${this.account}:${kind}/${this.cluster.clusterName}/${uuid}/${name}`;
  }
}
