/**
 * Local signing keys for `npm start`: created on the first start (mode 0600, in a git-ignored data
 * folder), reused afterwards so tokens survive restarts. Never used on AWS (see key-provisioner.ts).
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSigningJwk, parseKeySet, publicKeySet, rotate, type KeySet } from './domain/keys';

export interface LocalKeyFiles { signingKeysFile: string; publicJwksFile: string }

async function readKeySet(path: string): Promise<KeySet | undefined> {
  try {
    return parseKeySet(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeSecretFile(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600); // writeFile's mode only applies when it creates the file
}

export async function ensureLocalSigningKeys(dir: string): Promise<LocalKeyFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = { signingKeysFile: join(dir, 'signing-keys.json'), publicJwksFile: join(dir, 'public-jwks.json') };
  let privateKeys = await readKeySet(files.signingKeysFile);
  if (!privateKeys) {
    privateKeys = rotate(undefined, await generateSigningJwk());
    await writeSecretFile(files.signingKeysFile, privateKeys);
  }
  // Always rewritten from the private set, so the two files cannot disagree.
  await writeSecretFile(files.publicJwksFile, publicKeySet(privateKeys));
  return files;
}

/** Local rotation (the same rule as on AWS): a new current key, the old one kept as previous. */
export async function rotateLocalSigningKeys(dir: string): Promise<LocalKeyFiles> {
  const files = await ensureLocalSigningKeys(dir);
  const rotated = rotate(await readKeySet(files.signingKeysFile), await generateSigningJwk());
  await writeSecretFile(files.signingKeysFile, rotated);
  await writeSecretFile(files.publicJwksFile, publicKeySet(rotated));
  return files;
}
