/** Processes on Linux, from /proc: the tree under a pid and its resident memory. */
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after the last ')' are safe.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** `root` and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident set size in bytes (0 when the process is gone). */
export function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** A short name for a process of the runtime: which component it is. */
export function componentOf(pid: number): string {
  const cmd = commandOf(pid);
  if (cmd.includes('DynamoDBLocal')) return 'dynamodb-local (java)';
  if (cmd.includes('billing/src/main')) return 'billing';
  if (cmd.includes('local/start')) return 'runtime (gateway, functions, broker, pollers)';
  if (cmd.startsWith('npm') || cmd.includes('npm-cli')) return 'npm';
  if (cmd.startsWith('sh ') || cmd.startsWith('/bin/sh')) return 'sh';
  return cmd.slice(0, 40);
}

export function treeRss(root: number): { total: number; byProcess: { pid: number; component: string; rss: number }[] } {
  const byProcess = processTree(root).map((pid) => ({ pid, component: componentOf(pid), rss: rssOf(pid) }));
  return { total: byProcess.reduce((s, p) => s + p.rss, 0), byProcess };
}
