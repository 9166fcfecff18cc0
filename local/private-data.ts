/**
 * The local data folder holds every record, the Kafka logs and the signing keys: only its owner may
 * enter it or read anything in it. Created with mode 0700; a folder or file left readable by others (an
 * older version of the runtime, a copy, a hand-made folder) is tightened at start.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const GROUP_AND_OTHERS = 0o077;

/** Removes every group and other permission below `path`; symbolic links are neither followed nor changed. */
function tighten(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.mode & GROUP_AND_OTHERS) chmodSync(path, stat.mode & 0o7777 & ~GROUP_AND_OTHERS);
  if (stat.isDirectory()) for (const name of readdirSync(path)) tighten(join(path, name));
}

export function preparePrivateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  tighten(realpathSync(dataDir)); // a data folder named through a link is tightened too; links inside it are not followed
}
