/**
 * `npm start` as a user runs it (fresh data, free ports): seconds until GET /health answers 200, and the
 * resident memory of its whole process tree (npm, the runtime, the billing server, DynamoDB Local's JVM)
 * once healthy. The process group is ours alone, so it is stopped as a group.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/ports';
import type { BenchModule } from '../lib/context';
import type { BenchContext } from '../lib/context';
import { requireFiles, ROOT, RUNTIME_FILES } from '../lib/components';
import { treeRss } from '../lib/proc';
import { limit, type Row } from '../lib/report';
import { median } from '../lib/stats';

const MB = 1024 * 1024;

async function oneStart(): Promise<{ seconds: number; rss: number; parts: Map<string, number> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pms-bench-start-'));
  const env = {
    ...process.env,
    API_PORT: String(await freePort()),
    BILLING_PORT: String(await freePort()),
    KAFKA_PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
  };
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--silent', '--', '--fresh', '--quiet', '--data-dir', dataDir], {
    cwd: ROOT,
    env,
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${env.API_PORT}/health`)).status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error('npm start did not become healthy in 120 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1000)); // let start-up garbage settle before reading memory
    const { total, byProcess } = treeRss(child.pid!);
    const parts = new Map<string, number>();
    for (const p of byProcess) parts.set(p.component, (parts.get(p.component) ?? 0) + p.rss);
    return { seconds, rss: total, parts };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function run(ctx: BenchContext) {
  requireFiles(RUNTIME_FILES);
  const starts: Awaited<ReturnType<typeof oneStart>>[] = [];
  for (let i = 0; i < ctx.rounds; i++) {
    const result = await oneStart();
    ctx.log(`start ${i + 1}: healthy in ${result.seconds.toFixed(1)} s, ${(result.rss / MB).toFixed(0)} MB resident`);
    starts.push(result);
  }
  const seconds = median(starts.map((s) => s.seconds));
  const rss = median(starts.map((s) => s.rss)) / MB;
  const typical = starts.find((s) => s.rss / MB === rss) ?? starts[0]!;
  const rows: Row[] = [
    limit('npm start → /health 200 (fresh data)', seconds, 's', '<', 10),
    limit('resident memory, all processes', rss, 'MB', '<', 600),
  ];
  const split = [...typical.parts].map(([name, bytes]) => `${name} ${(bytes / MB).toFixed(0)} MB`).join(', ');
  return {
    rows,
    notes: [
      `Memory by process (one start): ${split}. Start time includes bundling every function with esbuild and DynamoDB Local's JVM start.`,
    ],
  };
}

const module: BenchModule = { name: 'startup', run };
export default module;
