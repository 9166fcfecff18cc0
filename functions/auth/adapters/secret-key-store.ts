/**
 * AWS key store: the private key set in Secrets Manager, cached per container for a few minutes so a
 * rotation (key-provisioner.ts) reaches warm containers without a redeploy of this function.
 * The SDK client is loaded on first use, so local runs (file key store) never evaluate it.
 */
import { parseKeySet, type KeySet } from '../domain/keys';
import type { KeyStore } from '../ports';

const CACHE_MS = 5 * 60 * 1000;

async function readSecret(secretId: string): Promise<KeySet> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  client ??= new SecretsManagerClient({});
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return parseKeySet(SecretString ?? '');
}
let client: import('@aws-sdk/client-secrets-manager').SecretsManagerClient | undefined;

export function secretKeyStore(secretId: string): KeyStore {
  let cached: { value: Promise<KeySet>; at: number } | undefined;
  return {
    privateKeySet() {
      if (!cached || Date.now() - cached.at > CACHE_MS) {
        const value = readSecret(secretId);
        const entry = { value, at: Date.now() };
        cached = entry;
        value.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.value;
    },
  };
}
