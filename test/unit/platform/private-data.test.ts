/** The local data folder: made 0700, and anything in it opened to others tightened; links inside are left alone. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preparePrivateDataDir } from '../../../local/private-data';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('preparePrivateDataDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'private-data-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a missing folder, and its parents, owner-only', () => {
    preparePrivateDataDir(join(dir, 'a', 'data'));
    expect(mode(join(dir, 'a', 'data'))).toBe(0o700);
  });

  it('tightens an existing folder and everything below it, through a link to the folder but not through links inside it', () => {
    const real = join(dir, 'real');
    mkdirSync(join(real, 'kafka'), { recursive: true });
    chmodSync(real, 0o755);
    chmodSync(join(real, 'kafka'), 0o775);
    writeFileSync(join(real, 'kafka', 'log'), 'x', { mode: 0o664 });
    writeFileSync(join(dir, 'elsewhere'), 'x', { mode: 0o644 });
    symlinkSync(join(dir, 'elsewhere'), join(real, 'link'));
    symlinkSync(real, join(dir, 'data'));

    preparePrivateDataDir(join(dir, 'data'));
    expect([mode(real), mode(join(real, 'kafka')), mode(join(real, 'kafka', 'log'))]).toEqual([0o700, 0o700, 0o600]);
    expect(mode(join(dir, 'elsewhere'))).toBe(0o644);
  });
});
