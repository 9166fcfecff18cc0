/**
 * CloudFormation custom resource (Provider framework) that owns the billing service's TLS identity, so
 * its private key is never in the template, the code or the repository:
 * - Create, or Update with a new `RotationId`: a new self-signed certificate for `Hosts` → the secret
 *   ({certificate, privateKey}); the certificate (public) is returned for the clients to trust.
 * - Update with the same `RotationId`: returns the certificate the secret already holds.
 * - Delete: nothing; the secret is deleted with its own resource.
 * Properties: SecretId (ARN of the secret), Hosts (comma-separated), ValidDays, RotationId.
 */
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { selfSignedCertificate, type TlsIdentity } from '../../billing/src/tls-certificate';

interface Properties { SecretId: string; Hosts: string; ValidDays: string; RotationId: string }
export interface CertificateResult { PhysicalResourceId: string; Data: { Certificate: string } }

const secrets = new SecretsManagerClient({});

async function stored(secretId: string): Promise<TlsIdentity | undefined> {
  try {
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = JSON.parse(SecretString ?? '{}') as Partial<TlsIdentity>;
    return value.certificate && value.privateKey ? { certificate: value.certificate, privateKey: value.privateKey } : undefined;
  } catch {
    return undefined; // no value yet
  }
}

/** An update that changes neither the rotation id nor the host names keeps the certificate it has. */
export function keepsCertificate(event: CloudFormationCustomResourceEvent): boolean {
  if (event.RequestType !== 'Update') return false;
  const [now, before] = [event.ResourceProperties, event.OldResourceProperties] as unknown as Properties[];
  return now!.RotationId === before!.RotationId && now!.Hosts === before!.Hosts;
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<CertificateResult | { PhysicalResourceId: string }> {
  const props = event.ResourceProperties as unknown as Properties;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const physicalId = `billing-tls:${props.SecretId}`;
  const existing = keepsCertificate(event) ? await stored(props.SecretId) : undefined;
  if (existing) return { PhysicalResourceId: physicalId, Data: { Certificate: existing.certificate } };
  const identity = await selfSignedCertificate(props.Hosts.split(','), Number(props.ValidDays));
  await secrets.send(new PutSecretValueCommand({ SecretId: props.SecretId, SecretString: JSON.stringify(identity) }));
  return { PhysicalResourceId: physicalId, Data: { Certificate: identity.certificate } };
}
