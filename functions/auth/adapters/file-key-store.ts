/** Local key store: the private key set in a git-ignored file (see local-keys.ts), read once per process. */
import { readFile } from 'node:fs/promises';
import { parseKeySet, type KeySet } from '../domain/keys';
import type { KeyStore } from '../ports';

export function fileKeyStore(path: string): KeyStore {
  let cached: Promise<KeySet> | undefined;
  return {
    privateKeySet() {
      cached ??= readFile(path, 'utf8').then(parseKeySet);
      cached.catch(() => {
        cached = undefined;
      });
      return cached;
    },
  };
}
