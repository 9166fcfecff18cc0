/** The local cursor key: made once per data folder (32 random bytes, mode 0600), reused afterwards. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalCursorKey } from '../../../functions/patients/local-cursor-key';

describe('ensureLocalCursorKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cursor-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes 32 random bytes on the first call, owner-only, and returns the same key afterwards', async () => {
    const keys = join(dir, 'keys');
    const key = await ensureLocalCursorKey(keys);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(readFileSync(join(keys, 'cursor-key'), 'utf8').trim()).toBe(key);
    expect(statSync(join(keys, 'cursor-key')).mode & 0o777).toBe(0o600);
    expect(statSync(keys).mode & 0o777).toBe(0o700);
    expect(await ensureLocalCursorKey(keys)).toBe(key);
  });

  it('gives each data folder its own key', async () => {
    expect(await ensureLocalCursorKey(join(dir, 'a'))).not.toBe(await ensureLocalCursorKey(join(dir, 'b')));
  });

  it('refuses a file that holds no 32-byte key rather than sealing cursors with it', async () => {
    await ensureLocalCursorKey(dir);
    writeFileSync(join(dir, 'cursor-key'), 'local-cursor-key-not-for-production\n');
    await expect(ensureLocalCursorKey(dir)).rejects.toThrow('does not hold a 32-byte key');
  });
});
