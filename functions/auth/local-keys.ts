/**
 * Local signing keys for `npm start`: created on the first start (mode 0600, in a git-ignored data
 * folder), reused afterwards so tokens survive restarts. Never used on AWS (see key-provisioner.ts).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../commons/atomic-file';
import { generateSigningJwk, parseKeySet, publicKeySet, rotate, type KeySet } from './domain/keys';

export interface LocalKeyFiles {
  signingKeysFile: string;
  publicJwksFile: string;
}

async function readKeySet(path: string): Promise<KeySet | undefined> {
  try {
    return parseKeySet(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Readable by the owner only: the temporary file is created with that mode and renamed into place. */
function writeSecretFile(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

export async function ensureLocalSigningKeys(dir: string): Promise<LocalKeyFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = { signingKeysFile: join(dir, 'signing-keys.json'), publicJwksFile: join(dir, 'public-jwks.json') };
  let privateKeys = await readKeySet(files.signingKeysFile);
  if (!privateKeys) {
    privateKeys = rotate(undefined, await generateSigningJwk());
    writeSecretFile(files.signingKeysFile, privateKeys);
  }
  // Always rewritten from the private set, so the two files cannot disagree.
  writeSecretFile(files.publicJwksFile, publicKeySet(privateKeys));
  return files;
}

/** Local rotation (the same rule as on AWS): a new current key, the old one kept as previous. */
export async function rotateLocalSigningKeys(dir: string): Promise<LocalKeyFiles> {
  const files = await ensureLocalSigningKeys(dir);
  const rotated = rotate(await readKeySet(files.signingKeysFile), await generateSigningJwk());
  writeSecretFile(files.signingKeysFile, rotated);
  writeSecretFile(files.publicJwksFile, publicKeySet(rotated));
  return files;
}
