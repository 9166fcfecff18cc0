import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../functions/commons/atomic-file';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pms-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the content, keeps the requested mode and leaves no temporary file', () => {
    const file = join(dir, 'keys.json');
    writeFileAtomic(file, 'old', { mode: 0o600 });
    writeFileAtomic(file, 'new', { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['keys.json']);
  });

  it('leaves a whole file behind when the writer is SIGKILLed mid-write', async () => {
    // A child rewrites a 4 MB JSON document in a loop (as the stream poller saves its checkpoint) until killed.
    const file = join(dir, 'checkpoint.json');
    const module = resolve(__dirname, '../../../functions/commons/atomic-file.ts');
    const script = `const { writeFileAtomic } = require(${JSON.stringify(module)});
      const body = JSON.stringify({ shards: 'x'.repeat(4 * 1024 * 1024) });
      writeFileAtomic(process.argv[1], body); process.stdout.write('ready\\n');
      for (;;) writeFileAtomic(process.argv[1], body);`;
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, file], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((ready) => child.stdout.once('data', () => ready()));
      await new Promise((r) => setTimeout(r, 20 + round * 17));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    }
  });
});
