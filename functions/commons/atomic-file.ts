/**
 * Writes a file so that a reader finds either the old content or the new, never a torn one: the data
 * goes to a sibling temporary file that is then renamed over the target (rename is atomic on POSIX).
 * What this guards against is a process killed mid-write (SIGKILL, Ctrl-C twice), so no fsync: the
 * kernel keeps the written pages.
 */
import { renameSync, writeFileSync, type WriteFileOptions } from 'node:fs';

export function writeFileAtomic(path: string, data: string, options?: WriteFileOptions): void {
  // Its own name per process, so two writers of one file never rename each other's half-written data.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data, options);
  renameSync(temporary, path);
}
