/**
 * CloudFormation custom resource (CDK `custom_resources.Provider` onEvent handler) that owns the token
 * signing keys, so the private key is never in the template, the code or the repository:
 * - Create: generates an ES256 key pair; private JWKs → the secret, public JWKS → the SSM parameter.
 * - Update with a new `RotationId`: rotates (new current key, old current kept as previous).
 * - Update with the same `RotationId`: re-publishes the public JWKS (repairs a hand-edited parameter).
 * - Delete: nothing; the secret and the parameter are deleted with their own resources.
 * Properties: SecretId (ARN of the secret), ParameterName, RotationId (any string).
 */
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { secretText } from '../commons/clients/secrets';
import { generateSigningJwk, parseKeySet, publicKeySet, rotate, type KeySet } from '../auth/domain/keys';

interface Properties {
  SecretId: string;
  ParameterName: string;
  RotationId?: string;
}
export interface ProvisionerResult {
  PhysicalResourceId: string;
  Data: { CurrentKid: string; KeyCount: number };
}

const secrets = new SecretsManagerClient({});
const ssm = new SSMClient({});

/**
 * The key set the secret holds, or undefined before the first write (the secret's generated placeholder is
 * not a key set). Any other failure fails the deploy: taken for "no keys", it would drop the previous key.
 */
async function readKeys(secretId: string): Promise<KeySet | undefined> {
  const text = await secretText(secrets, secretId);
  try {
    return text ? parseKeySet(text) : undefined;
  } catch {
    return undefined;
  }
}

async function publish(props: Properties, keys: KeySet): Promise<void> {
  await secrets.send(new PutSecretValueCommand({ SecretId: props.SecretId, SecretString: JSON.stringify(keys) }));
  await ssm.send(
    new PutParameterCommand({
      Name: props.ParameterName,
      Value: JSON.stringify(publicKeySet(keys)),
      Type: 'String',
      Overwrite: true,
    }),
  );
}

function result(props: Properties, keys: KeySet): ProvisionerResult {
  return {
    PhysicalResourceId: `signing-keys:${props.ParameterName}`,
    Data: { CurrentKid: keys.keys[0]!.kid!, KeyCount: keys.keys.length },
  };
}

/** Which key set the secret should hold after this event: rotate on Create, on a new RotationId, or when the secret holds no keys. */
export async function plannedKeys(
  event: CloudFormationCustomResourceEvent,
  existing: KeySet | undefined,
): Promise<{ keys: KeySet; rotated: boolean }> {
  const props = event.ResourceProperties as unknown as Properties;
  const previousRotation =
    event.RequestType === 'Update' ? (event.OldResourceProperties as unknown as Properties).RotationId : undefined;
  const mustRotate = !existing || event.RequestType === 'Create' || previousRotation !== props.RotationId;
  if (!mustRotate) return { keys: existing, rotated: false };
  return {
    keys: rotate(event.RequestType === 'Create' ? undefined : existing, await generateSigningJwk()),
    rotated: true,
  };
}

export async function handler(
  event: CloudFormationCustomResourceEvent,
): Promise<ProvisionerResult | { PhysicalResourceId: string }> {
  const props = event.ResourceProperties as unknown as Properties;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const { keys } = await plannedKeys(event, await readKeys(props.SecretId));
  await publish(props, keys);
  return result(props, keys);
}
