/**
 * The container's entry point as a process: billing/src/main.ts under tsx (what `npm start` runs), and the
 * esbuild bundle the image runs (billing/bundle.mjs) with its HEALTHCHECK script. Configured from the
 * environment; answers; exits 0 on SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { freePort } from '../../../local/ports';
import { useLocalTables } from '../../support/tables';
import { originalClient } from './support';

jest.setTimeout(30_000);

const ROOT = resolve(__dirname, '../../..');
let tableName: string;
let transactionsTable: string;

beforeAll(async () => {
  const tables = await useLocalTables();
  tableName = tables['billing-accounts'];
  transactionsTable = tables['billing-transactions'];
});

function environment(port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    BILLING_PORT: String(port),
    BILLING_HOST: '127.0.0.1',
    BILLING_ACCOUNTS_TABLE: tableName,
    BILLING_TRANSACTIONS_TABLE: transactionsTable,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}

/** Collects the JSON log lines of `child` and resolves once one has `message`. */
function logsOf(child: ChildProcess) {
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  const waiters: { message: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        continue;
      }
      for (const waiter of waiters) if (lines.some((l) => l.message === waiter.message)) waiter.resolve();
    }
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    lines,
    exited,
    until: (message: string) =>
      Promise.race([
        new Promise<void>((resolve) => {
          if (lines.some((l) => l.message === message)) resolve();
          else waiters.push({ message, resolve });
        }),
        exited.then((code) => {
          throw new Error(`exited with ${code} before logging "${message}"`);
        }),
      ]),
  };
}

async function exercise(child: ChildProcess, port: number, logs = logsOf(child)) {
  try {
    await logs.until('billing server listening');
    expect(logs.lines.find((l) => l.message === 'billing server listening')).toMatchObject({
      port,
      level: 'INFO',
      service: 'billing',
    });

    const client = originalClient(`127.0.0.1:${port}`);
    try {
      const reply = await client.create({ patientId: randomUUID(), name: 'Entry Point', email: 'entry@example.test' });
      expect(reply.status).toBe('ACTIVE');
    } finally {
      client.close();
    }
    // No personal data in the logs: ids and outcomes only.
    const text = JSON.stringify(logs.lines);
    expect(text).not.toContain('Entry Point');
    expect(text).not.toContain('entry@example.test');

    child.kill('SIGTERM');
    expect(await logs.exited).toBe(0);
    expect(logs.lines.map((l) => l.message)).toEqual(
      expect.arrayContaining(['billing server stopping', 'billing server stopped']),
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

it('main.ts (as npm start runs it) serves and exits 0 on SIGTERM', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'billing/src/main.ts')], {
    cwd: ROOT,
    env: environment(port),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await exercise(child, port);
});

it('main.ts exits 1 with a clear message when the table is not configured', async () => {
  const env = environment(await freePort());
  delete env.BILLING_ACCOUNTS_TABLE;
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'billing/src/main.ts')], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  expect(result.stdout + result.stderr).toContain('BILLING_ACCOUNTS_TABLE must name the billing accounts table');
});

describe('the image bundle (billing/bundle.mjs)', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'billing-bundle-'));
    const built = spawnSync(process.execPath, [join(ROOT, 'billing/bundle.mjs'), outdir], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (built.status !== 0) throw new Error(`bundle failed: ${built.stderr}`);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const healthcheck = (port: number) =>
    spawnSync(process.execPath, [join(outdir, 'healthcheck.js')], {
      env: { ...process.env, BILLING_PORT: String(port) },
      encoding: 'utf8',
      timeout: 30_000,
    }).status;

  it('serves, passes its HEALTHCHECK, and exits 0 on SIGTERM; the HEALTHCHECK then fails', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--enable-source-maps', join(outdir, 'main.js')], {
      cwd: outdir,
      env: environment(port),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const logs = logsOf(child);
    try {
      await logs.until('billing server listening');
      expect(healthcheck(port)).toBe(0);
      await exercise(child, port, logs);
      expect(healthcheck(port)).toBe(1);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
