/**
 * The VPC: isolated subnets in two AZs (no internet route), with the endpoints the functions, the billing
 * tasks and Lambda's MSK pollers need, and flow logs. Security groups: functions may reach billing on
 * 9001 and MSK on 9098.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';

export interface NetworkStackProps extends StackProps {
  config: DeploymentConfig;
}

/** The analytics consumer reads MSK through a Lambda event source mapping. */
export const mskEventSource = (config: DeploymentConfig) =>
  !config.selfManagedKafkaBrokers && config.kafkaEventSourceMapping;

export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly functionsSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      gatewayEndpoints: {
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });
    if (props.config.flowLogs) {
      const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
        retention: props.config.logRetention,
        removalPolicy: props.config.removalPolicy,
      });
      this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
    }

    const endpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
      Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      Ecr: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      Sts: ec2.InterfaceVpcEndpointAwsService.STS,
      Xray: ec2.InterfaceVpcEndpointAwsService.XRAY,
      // SES's API (SendEmail), where the auth function sends mail.
      ...(props.config.mail ? { Email: ec2.InterfaceVpcEndpointAwsService.EMAIL } : {}),
      // Lambda's MSK pollers run in the VPC without an internet route: they invoke the consumer through the
      // Lambda endpoint and send its failures to SQS (STS, above, serves their role).
      ...(mskEventSource(props.config)
        ? { Lambda: ec2.InterfaceVpcEndpointAwsService.LAMBDA, Sqs: ec2.InterfaceVpcEndpointAwsService.SQS }
        : {}),
    };
    for (const [name, service] of Object.entries(endpoints))
      this.vpc.addInterfaceEndpoint(name, { service, privateDnsEnabled: true });

    this.functionsSecurityGroup = new ec2.SecurityGroup(this, 'FunctionsSg', {
      vpc: this.vpc,
      description: 'Lambda functions that reach billing, MSK and the VPC endpoints',
      allowAllOutbound: true,
    });
  }
}
