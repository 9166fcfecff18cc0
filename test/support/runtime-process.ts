/**
 * Runs `npm start` (local/start.ts) as its own process on free ports with a fresh data folder, as a
 * user would, and waits until /health answers 200. Used by the e2e project and the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../local/ports';

const ROOT = resolve(__dirname, '../..');

export interface RuntimeProcess {
  child: ChildProcess;
  baseUrl: string;
  kafka: string;
  billing: string;
  dynamodb: string;
  dataDir: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startRuntimeProcess(
  options: { dataDir?: string; fresh?: boolean; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RuntimeProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pms-runtime-'));
  const ports = {
    API_PORT: await freePort(),
    BILLING_PORT: await freePort(),
    KAFKA_PORT: await freePort(),
    DYNAMODB_PORT: await freePort(),
  };
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'local/start.ts'),
    '--data-dir',
    dataDir,
    '--quiet',
    ...(options.fresh === false ? [] : ['--fresh']),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const baseUrl = `http://127.0.0.1:${ports.API_PORT}`;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not become healthy in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    baseUrl,
    dataDir,
    kafka: `127.0.0.1:${ports.KAFKA_PORT}`,
    billing: `127.0.0.1:${ports.BILLING_PORT}`,
    dynamodb: `http://127.0.0.1:${ports.DYNAMODB_PORT}`,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
