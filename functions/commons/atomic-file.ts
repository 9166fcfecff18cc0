/**
 * Writes a file so that a reader finds either the old content or the new, never a torn one: the data
 * goes to a sibling temporary file that is then renamed over the target (rename is atomic on POSIX).
 * What this guards against is a process killed mid-write (SIGKILL, Ctrl-C twice), so no fsync: the
 * kernel keeps the written pages.
 */
import { renameSync, writeFileSync, type WriteFileOptions } from 'node:fs';

export function writeFileAtomic(path: string, data: string, options?: WriteFileOptions): void {
  // One writer per data folder, so one fixed name: a kill mid-write leaves at most this one file behind.
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, data, options);
  renameSync(temporary, path);
}
