/** Local key store: the private key set in a git-ignored file (see local-keys.ts), read once per process. */
import { readFile } from 'node:fs/promises';
import { parseKeySet, type KeySet } from '../domain/keys';
import type { KeyStore } from '../ports';

export class FileKeyStore implements KeyStore {
  private cached: Promise<KeySet> | undefined;

  constructor(private readonly path: string) {}

  privateKeySet(): Promise<KeySet> {
    const keys = (this.cached ??= readFile(this.path, 'utf8').then(parseKeySet));
    keys.catch(() => {
      this.cached = undefined;
    });
    return keys;
  }
}
