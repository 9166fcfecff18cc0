/**
 * AWS key store: the private key set in Secrets Manager, cached per container for a few minutes so a
 * rotation (key-provisioner.ts) reaches warm containers without a redeploy of this function.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseKeySet, type KeySet } from '../domain/keys';
import type { KeyStore } from '../ports';

const CACHE_MS = 5 * 60 * 1000;

export function secretKeyStore(secretId: string, client = new SecretsManagerClient({})): KeyStore {
  let cached: { value: Promise<KeySet>; at: number } | undefined;
  return {
    privateKeySet() {
      if (!cached || Date.now() - cached.at > CACHE_MS) {
        const value = client.send(new GetSecretValueCommand({ SecretId: secretId })).then((r) => parseKeySet(r.SecretString ?? ''));
        cached = { value, at: Date.now() };
        value.catch(() => { cached = undefined; });
      }
      return cached.value;
    },
  };
}
