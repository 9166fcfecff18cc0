/**
 * What each function setting of system/functions.ts is on AWS: the variables it becomes and the grants it needs
 * (a secret's read, a parameter's read, SES's send). Typed over every setting: one missing here fails `tsc`.
 */
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { DeploymentConfig } from '../../config';
import { CORS_ORIGINS_VARIABLE } from '../../../system/cors';
import { JWT_CLAIMS } from '../../../system/tokens';
import { TOKEN_CHECK_VARIABLE } from '../../../system/routes';
import type { KafkaTarget } from '../messaging-stack';
import type { AwsSettings } from './functions';

export interface AwsSettingsProps {
  config: DeploymentConfig;
  signingKeys: secretsmanager.ISecret;
  publicJwks: ssm.IStringParameter;
  cursorKey: secretsmanager.ISecret;
  billingAddress: string;
  /** The certificate authority billing's certificate comes from (TLS); absent where billing runs elsewhere in plaintext. */
  billingTlsAuthority?: string;
  kafka: KafkaTarget;
}

/**
 * Secrets are read through the functions' own policies (their key grant is there too); a Secret.grantRead
 * would write the role into the Stateful stack's key policy and tie the stacks in a cycle.
 */
export function grantSecretRead(fn: lambda.IFunction, secret: secretsmanager.ISecret): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [secret.secretArn],
    }),
  );
}

export function awsSettings(stack: Stack, props: AwsSettingsProps): AwsSettings {
  const { config } = props;
  return {
    jwt: { environment: { ...JWT_CLAIMS } },
    signingKeys: {
      environment: { SIGNING_KEYS_SECRET_ARN: props.signingKeys.secretArn },
      grant: (fn) => grantSecretRead(fn, props.signingKeys),
    },
    publicJwks: {
      environment: { PUBLIC_JWKS_PARAMETER: props.publicJwks.parameterName },
      grant: (fn) => props.publicJwks.grantRead(fn),
    },
    mail: config.mail
      ? { environment: { MAIL_FROM: config.mail.from }, grant: verificationMail(stack, config.mail) }
      : { environment: {} },
    cursorKey: {
      environment: { CURSOR_KEY_SECRET_ARN: props.cursorKey.secretArn },
      grant: (fn) => grantSecretRead(fn, props.cursorKey),
    },
    writeShards: {
      environment: {
        AUDIT_SHARDS: String(config.auditShards),
        PATIENT_LIST_SHARDS: String(config.patientShards.list),
        PATIENT_SEARCH_SHARDS: String(config.patientShards.search),
      },
    },
    billing: {
      environment: {
        BILLING_ADDRESS: props.billingAddress,
        ...(props.billingTlsAuthority ? { BILLING_TLS_CA: props.billingTlsAuthority } : {}),
      },
    },
    kafka: { environment: { KAFKA_BROKERS: props.kafka.bootstrapBrokers, KAFKA_AUTH: props.kafka.auth } },
    tokenCheck: { environment: { [TOKEN_CHECK_VARIABLE]: 'true' } },
    cors: { environment: { [CORS_ORIGINS_VARIABLE]: config.corsOrigins.join(',') } },
  };
}

/**
 * The SES identity the verification mail is sent as (the address, or its whole domain: then its DKIM records
 * are outputs, to add to the domain's DNS), and the grant to send as that address.
 */
function verificationMail(stack: Stack, mail: NonNullable<DeploymentConfig['mail']>): (fn: lambda.IFunction) => void {
  const identity = new ses.EmailIdentity(stack, 'MailIdentity', {
    identity: mail.domain ? ses.Identity.domain(mail.domain) : ses.Identity.email(mail.from),
  });
  if (mail.domain) {
    identity.dkimRecords.forEach(
      (record, i) =>
        new CfnOutput(stack, `MailDkimRecord${i + 1}`, {
          value: `${record.name} CNAME ${record.value}`,
          description: `DNS record ${i + 1} of 3 that verifies ${mail.domain} for SES (Easy DKIM)`,
        }),
    );
  }
  // SES checks the sender's identity and, while the account is in the SES sandbox, every recipient's too
  // (verified addresses of this account): so any identity of this account and region, From this address only.
  return (fn) =>
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
        conditions: { StringEquals: { 'ses:FromAddress': mail.from } },
      }),
    );
}
