/**
 * CloudFormation custom resource (Provider framework) that owns the billing service's TLS identities,
 * so no private key is ever in the template, the code or the repository:
 * - the certificate authority: made once (10 years) into `AuthoritySecretId`, which only this function
 *   reads; its certificate (public) is what the functions trust, and it does not change on rotation;
 * - the server certificate for `Hosts`, issued by it into `SecretId` (which the billing task reads), with
 *   the `RotationId` and hosts it was made for. A new RotationId or new hosts issue a new one; so does
 *   a rollback to an older RotationId, which is harmless: every server certificate it issues is trusted.
 * Delete: nothing; the secrets are deleted with their own resources.
 */
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { secretText } from '../commons/clients/secrets';
import { certificateAuthority, issuedBy, serverCertificate, type TlsIdentity } from '../../system/tls-certificate';

interface Properties {
  AuthoritySecretId: string;
  SecretId: string;
  Hosts: string;
  ValidDays: string;
  RotationId: string;
}
interface ServerIdentity extends TlsIdentity {
  rotationId: string;
  hosts: string;
}
export interface CertificateResult {
  PhysicalResourceId: string;
  Data: { AuthorityCertificate: string };
}

const AUTHORITY_DAYS = 3650;
const secrets = new SecretsManagerClient({});

/** What a secret holds, or undefined before the first write (its generated placeholder is not JSON). Other failures are failures. */
async function stored<T extends TlsIdentity>(secretId: string): Promise<T | undefined> {
  const text = await secretText(secrets, secretId);
  try {
    const value = JSON.parse(text ?? '') as Partial<T>;
    return value.certificate && value.privateKey ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

const put = (secretId: string, value: object) =>
  secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }));

/** The server certificate stays only while it is the authority's and was made for these hosts and this rotation. */
export function keepsServerCertificate(
  current: ServerIdentity | undefined,
  props: Pick<Properties, 'Hosts' | 'RotationId'>,
  authority: TlsIdentity,
): boolean {
  return Boolean(
    current &&
    current.rotationId === props.RotationId &&
    current.hosts === props.Hosts &&
    issuedBy(current.certificate, authority.certificate),
  );
}

export async function handler(
  event: CloudFormationCustomResourceEvent,
): Promise<CertificateResult | { PhysicalResourceId: string }> {
  const props = event.ResourceProperties as unknown as Properties;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  let authority = await stored<TlsIdentity>(props.AuthoritySecretId);
  if (!authority) {
    authority = await certificateAuthority('patient-management billing CA', AUTHORITY_DAYS);
    await put(props.AuthoritySecretId, authority);
  }
  if (!keepsServerCertificate(await stored<ServerIdentity>(props.SecretId), props, authority)) {
    const issued = await serverCertificate(authority, props.Hosts.split(','), Number(props.ValidDays));
    await put(props.SecretId, { ...issued, rotationId: props.RotationId, hosts: props.Hosts } satisfies ServerIdentity);
  }
  return { PhysicalResourceId: `billing-tls:${props.SecretId}`, Data: { AuthorityCertificate: authority.certificate } };
}
