/**
 * Child processes (the DynamoDB JVM, the billing server) are recorded in the data folder, so a start
 * after a hard kill (SIGKILL cannot be trapped) ends the orphans of the previous run first.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../functions/commons/atomic-file';

const FILE = 'children.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Only a process that is still one of ours: a recycled pid must never be killed. */
function ours(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('DynamoDBLocal') || cmdline.includes('billing/src/main');
  } catch {
    return false;
  }
}

export function recordChildren(dataDir: string, children: ChildProcess[]): void {
  const pids = children.map((c) => c.pid).filter((pid): pid is number => typeof pid === 'number');
  writeFileAtomic(join(dataDir, FILE), JSON.stringify({ owner: process.pid, pids }));
}

export async function killLeftovers(dataDir: string): Promise<void> {
  const file = join(dataDir, FILE);
  if (!existsSync(file)) return;
  try {
    const { owner, pids } = JSON.parse(readFileSync(file, 'utf8')) as { owner: number; pids: number[] };
    if (alive(owner)) return; // another runtime owns this data folder and is still running
    for (const pid of pids.filter((p) => alive(p) && ours(p))) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
  } catch {
    // an unreadable pid file names nothing to end
  }
}
