/**
 * AWS key store: the private key set in Secrets Manager, cached per container for a few minutes so a
 * rotation (key-provisioner.ts) reaches warm containers without a redeploy of this function.
 * The SDK client is loaded on first use, so local runs (file key store) never evaluate it.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock, type Clock } from '../../commons/clock';
import { parseKeySet, type KeySet } from '../domain/keys';
import type { KeyStore } from '../ports';

const CACHE_MS = 5 * 60 * 1000;

export class SecretKeyStore implements KeyStore {
  private client: SecretsManagerClient | undefined;
  private cached: { value: Promise<KeySet>; at: number } | undefined;

  constructor(
    private readonly secretId: string,
    private readonly clock: Clock = systemClock,
  ) {}

  privateKeySet(): Promise<KeySet> {
    const now = this.clock.now().getTime();
    if (!this.cached || now - this.cached.at > CACHE_MS) {
      const value = this.readSecret();
      const entry = { value, at: this.clock.now().getTime() };
      this.cached = entry;
      value.catch(() => {
        if (this.cached === entry) this.cached = undefined;
      });
    }
    return this.cached.value;
  }

  private async readSecret(): Promise<KeySet> {
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    this.client ??= new SecretsManagerClient({});
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    return parseKeySet(SecretString ?? '');
  }
}
