/**
 * The billing gRPC server on ECS Fargate in the isolated subnets, found by the functions through Cloud
 * Map (billing.<namespace>:9001), reachable on 9001 from the functions' security group only, over TLS
 * with the certificate and key the Stateful stack made (the key reaches the task only, as a secret).
 */
import { Duration, IgnoreMode, Stack, type StackProps } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploymentConfig } from '../config';

export interface BillingStackProps extends StackProps {
  config: DeploymentConfig;
  vpc: ec2.IVpc;
  functionsSecurityGroup: ec2.ISecurityGroup;
  table: ITable;
  /** The ledger's table: transactions and idempotency keys. */
  transactionsTable: ITable;
  key: kms.IKey;
  /** The secret holding the server's TLS certificate and private key ({certificate, privateKey}). */
  tlsIdentity: secretsmanager.ISecret;
  /** The certificate authority that issued it (PEM, public), for the container's own health check. */
  tlsAuthority: string;
}

export const BILLING_PORT = 9001;

const ROOT = join(__dirname, '..', '..');
const DOCKERFILE = 'billing/Dockerfile';
/** The task's CPU: the image is built for it (on an x86 machine through buildx and QEMU). */
const CPU = { task: ecs.CpuArchitecture.ARM64, image: Platform.LINUX_ARM64 };

/**
 * The image, built for the task's CPU from the files the Dockerfile copies: the build context is what its
 * `.dockerignore` admits (the same list BuildKit reads), so an edit elsewhere neither rebuilds nor rolls the service.
 */
function billingImage(): ecs.ContainerImage {
  const ignore = readFileSync(join(ROOT, `${DOCKERFILE}.dockerignore`), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return ecs.ContainerImage.fromAsset(ROOT, {
    file: DOCKERFILE,
    platform: CPU.image,
    exclude: ignore,
    ignoreMode: IgnoreMode.DOCKER,
  });
}

const billingNamespace = (stage: string) => `patient-${stage}.internal`;
/** Billing's name in Cloud Map, which its TLS certificate names too. */
export const billingHost = (stage: string) => `billing.${billingNamespace(stage)}`;

export class BillingStack extends Stack {
  readonly address: string;
  readonly service: ecs.FargateService;
  readonly cluster: ecs.Cluster;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BillingStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: billingNamespace(config.stage),
      vpc: props.vpc,
    });

    const task = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: { cpuArchitecture: CPU.task, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    props.table.grant(task.taskRole, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    // The ledger: a transaction is a TransactWriteItems of puts (and the account's update above); reads by key and Query.
    props.transactionsTable.grant(task.taskRole, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query');
    props.key.grantEncryptDecrypt(task.taskRole);
    // By ARN: ECS reads it with the execution role's own policy (a grant through the imported key would tie the stacks in a cycle).
    const tlsIdentity = secretsmanager.Secret.fromSecretCompleteArn(this, 'TlsIdentity', props.tlsIdentity.secretArn);
    props.key.grantDecrypt(task.obtainExecutionRole());
    const logGroup = (this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: config.logRetention,
      encryptionKey: props.key,
      removalPolicy: config.removalPolicy,
    }));
    task.addContainer('billing', {
      image: billingImage(),
      portMappings: [{ containerPort: BILLING_PORT, name: 'grpc' }],
      environment: {
        BILLING_ACCOUNTS_TABLE: props.table.tableName,
        BILLING_TRANSACTIONS_TABLE: props.transactionsTable.tableName,
        BILLING_PORT: String(BILLING_PORT),
        BILLING_HOST: '0.0.0.0',
        BILLING_DRAIN_TIMEOUT_MS: '10000',
        POWERTOOLS_SERVICE_NAME: 'billing',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Secrets are read when a task starts: a new rotation id changes the task definition, so new tasks take the new key.
        BILLING_TLS_ROTATION_ID: config.billingCertificateRotationId,
        BILLING_TLS_CA: props.tlsAuthority,
      },
      secrets: {
        BILLING_TLS_CERT: ecs.Secret.fromSecretsManager(tlsIdentity, 'certificate'),
        BILLING_TLS_KEY: ecs.Secret.fromSecretsManager(tlsIdentity, 'privateKey'),
      },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'billing', logGroup }),
      healthCheck: {
        command: ['CMD', 'node', '/app/healthcheck.js'],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(10),
      },
      readonlyRootFilesystem: true,
      stopTimeout: Duration.seconds(30),
    });

    const securityGroup = new ec2.SecurityGroup(this, 'ServiceSg', {
      vpc: props.vpc,
      description: 'Billing tasks: gRPC 9001 from the functions only',
    });
    securityGroup.addIngressRule(
      props.functionsSecurityGroup,
      ec2.Port.tcp(BILLING_PORT),
      'gRPC from the functions (patients, pending billing, health)',
    );

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: task,
      desiredCount: config.billingMinTasks,
      vpcSubnets: { subnets: props.vpc.isolatedSubnets },
      securityGroups: [securityGroup],
      cloudMapOptions: {
        name: 'billing',
        cloudMapNamespace: namespace,
        dnsRecordType: servicediscovery.DnsRecordType.A,
      },
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
    });
    const scaling = this.service.autoScaleTaskCount({
      minCapacity: config.billingMinTasks,
      maxCapacity: config.billingMaxTasks,
    });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    this.address = `${billingHost(config.stage)}:${BILLING_PORT}`;
  }
}
