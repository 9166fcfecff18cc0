/**
 * The local cursor key for `npm start`: 32 random bytes made on the first start and kept in the data
 * folder (mode 0600, next to the local signing keys), reused afterwards so cursors survive restarts.
 * Each data folder has its own; none is in the code. Never used on AWS, where the key is a Secrets
 * Manager secret (CURSOR_KEY_SECRET_ARN).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../commons/atomic-file';

const KEY_BYTES = 32;

/** Returns the key (base64url) kept in `<dir>/cursor-key`, making it first if there is none. */
export async function ensureLocalCursorKey(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'cursor-key');
  let kept: string;
  try {
    kept = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const key = randomBytes(KEY_BYTES).toString('base64url');
    writeFileAtomic(file, `${key}\n`, { mode: 0o600 });
    return key;
  }
  if (Buffer.from(kept, 'base64url').length !== KEY_BYTES) {
    throw new Error(
      `${file} does not hold a ${KEY_BYTES}-byte key; delete it to make a new one (open list cursors then stop working)`,
    );
  }
  return kept;
}
