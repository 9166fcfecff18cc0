/**
 * npm start as a user runs it: a second start finds the data of the first, SIGTERM leaves no process
 * behind, and a port in use is named with the variable that moves it. Runs its own runtime.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../../local/ports';
import { startRuntimeProcess } from '../../support/runtime-process';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start lifecycle', () => {
  it('keeps data across a restart, leaves no process behind on SIGTERM, and tightens a data folder opened to others', async () => {
    const email = `lifecycle-${Date.now()}@example.com`;
    const first = await startRuntimeProcess();
    try {
      const signup = await fetch(`${first.baseUrl}/api/auth/signup`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct horse battery' }),
      });
      expect(signup.status).toBe(201);
    } finally {
      const { pids } = JSON.parse(readFileSync(join(first.dataDir, 'children.pid'), 'utf8')) as { pids: number[] };
      expect(await first.stop('SIGTERM')).toBe(0);
      expect(pids.length).toBeGreaterThanOrEqual(2);
      expect(pids.filter(alive)).toEqual([]);
    }

    // As a folder made by an older version or by hand may be: readable by everyone.
    const database = join(first.dataDir, 'dynamodb', 'shared-local-instance.db');
    chmodSync(first.dataDir, 0o755);
    chmodSync(database, 0o644);
    const second = await startRuntimeProcess({ dataDir: first.dataDir, fresh: false });
    try {
      expect(statSync(first.dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(database).mode & 0o777).toBe(0o600);
      const login = await fetch(`${second.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct horse battery' }),
      });
      expect(login.status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('names the port and its variable when a port is taken', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      const result = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          resolve(__dirname, '../../../local/start.ts'),
          '--fresh',
          '--data-dir',
          join(tmpdir(), `pms-port-${port}`),
        ],
        {
          env: { ...process.env, API_PORT: String(port) },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`Port ${port}`);
      expect(result.stderr).toContain('API_PORT');
    } finally {
      blocker.close();
    }
  });
});
