/**
 * Data that outlives deployments: the KMS key, every table of system/tables.ts, and the
 * secrets (token signing keys, cursor key, billing's TLS identity) with the custom resources that
 * create the signing keys and billing's certificate.
 */
import { ArnFormat, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import { DeployTimeResource } from '../constructs/deploy-time-resource';
import { functions } from '../../system/functions';
import { tables as tableDefinitions, type TableDefinition, type TableName } from '../../system/tables';
import { billingHost } from './billing-stack';

/** The billing server certificate's life; replace it before it ends with -c billingCertificateRotationId=… */
const BILLING_CERTIFICATE_DAYS = 825;

export interface StatefulStackProps extends StackProps {
  config: DeploymentConfig;
}

const attributeType = (t: 'S' | 'N') => (t === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER);

export class StatefulStack extends Stack {
  readonly key: kms.Key;
  readonly tables = {} as Record<TableName, dynamodb.Table>;
  readonly signingKeys: secretsmanager.Secret;
  readonly publicJwks: ssm.StringParameter;
  readonly cursorKey: secretsmanager.Secret;
  /**
   * Billing's TLS: the authority's certificate (PEM, public: what its clients trust; stable across
   * rotations) and the secret with the server certificate and key. Absent where billing runs elsewhere.
   */
  readonly billingTls?: { authorityCertificate: string; secret: secretsmanager.Secret };

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.key = new kms.Key(this, 'DataKey', {
      description: 'Encrypts patient data at rest: tables, logs, secrets, queues, topics',
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    // CloudWatch Logs may use the key only for log groups of this account and region (the encryption
    // context it always sends), as AWS's "Encrypt log data in CloudWatch Logs using AWS KMS" shows.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    for (const def of Object.values(tableDefinitions)) this.tables[def.name] = this.table(def, config);

    this.signingKeys = new secretsmanager.Secret(this, 'SigningKeys', {
      description: 'Private JWKs that sign access tokens (current and previous); written by the key provisioner',
      encryptionKey: this.key,
      removalPolicy: config.removalPolicy,
    });
    this.publicJwks = new ssm.StringParameter(this, 'PublicJwks', {
      description: 'Public JWKS that verifies access tokens; written by the key provisioner',
      stringValue: '{"keys":[]}',
    });
    this.cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      description: 'Key that seals list cursors (AES-256-GCM)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: config.removalPolicy,
    });

    const keyPair = new DeployTimeResource(this, 'SigningKeyPair', {
      ids: { handler: 'KeyProvisioner', provider: 'KeyProvisionerProvider' },
      customResource: config.customResources,
      definition: functions['key-provisioner'],
      key: this.key,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
      properties: {
        SecretId: this.signingKeys.secretArn,
        ParameterName: this.publicJwks.parameterName,
        RotationId: config.signingKeyRotationId,
      },
      grant: ({ fn }) => {
        this.signingKeys.grantRead(fn);
        this.signingKeys.grantWrite(fn);
        this.publicJwks.grantWrite(fn);
      },
    });
    keyPair.resource?.node.addDependency(this.signingKeys, this.publicJwks);
    if (!config.externalBillingAddress) this.billingTls = this.billingTlsIdentity(config);
  }

  /** A private CA and a server certificate it issues for billing's Cloud Map name, made at deploy time; keys only in secrets. */
  private billingTlsIdentity(config: DeploymentConfig): NonNullable<StatefulStack['billingTls']> {
    const authority = new secretsmanager.Secret(this, 'BillingTlsAuthority', {
      description:
        'Certificate authority (certificate and private key) for the billing gRPC port; only its provisioner reads it',
      encryptionKey: this.key,
      removalPolicy: config.removalPolicy,
    });
    const secret = new secretsmanager.Secret(this, 'BillingTlsIdentity', {
      description:
        'Billing gRPC server certificate and private key; written by the certificate provisioner, read by the billing task',
      encryptionKey: this.key,
      removalPolicy: config.removalPolicy,
    });
    // localhost and 127.0.0.1: the container's own health check dials the task itself.
    const certificate = new DeployTimeResource(this, 'BillingTlsCertificate', {
      ids: { handler: 'BillingCertificateProvisioner', provider: 'BillingCertificateProvider' },
      customResource: true,
      definition: functions['billing-certificate'],
      key: this.key,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
      properties: {
        AuthoritySecretId: authority.secretArn,
        SecretId: secret.secretArn,
        Hosts: [billingHost(config.stage), 'localhost', '127.0.0.1'].join(','),
        ValidDays: String(BILLING_CERTIFICATE_DAYS),
        RotationId: config.billingCertificateRotationId,
      },
      grant: ({ fn }) => {
        for (const s of [authority, secret]) {
          s.grantRead(fn);
          s.grantWrite(fn);
        }
      },
    });
    certificate.resource!.node.addDependency(authority, secret);
    return { authorityCertificate: certificate.resource!.getAttString('AuthorityCertificate'), secret };
  }

  private table(def: TableDefinition, config: DeploymentConfig): dynamodb.Table {
    const table = new dynamodb.Table(this, `Table-${def.name}`, {
      partitionKey: { name: def.partitionKey.name, type: attributeType(def.partitionKey.type) },
      sortKey: def.sortKey ? { name: def.sortKey.name, type: attributeType(def.sortKey.type) } : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: def.stream ? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES : undefined,
      timeToLiveAttribute: def.ttlAttribute,
      deletionProtection: config.stage === 'prod',
      removalPolicy: config.removalPolicy,
    });
    for (const index of def.globalIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey.name, type: attributeType(index.partitionKey.type) },
        sortKey: index.sortKey ? { name: index.sortKey.name, type: attributeType(index.sortKey.type) } : undefined,
        projectionType: index.projection === 'ALL' ? dynamodb.ProjectionType.ALL : dynamodb.ProjectionType.KEYS_ONLY,
      });
    }
    return table;
  }
}
