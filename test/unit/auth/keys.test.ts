import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningJwk, parseKeySet, publicKeySet, rotate } from '../../../functions/auth/domain/keys';
import { ensureLocalSigningKeys, rotateLocalSigningKeys } from '../../../functions/auth/local-keys';

describe('signing keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotation keeps exactly the current and the previous key', async () => {
    const [a, b, c] = await Promise.all([generateSigningJwk(), generateSigningJwk(), generateSigningJwk()]);
    const once = rotate(undefined, a);
    expect(once.keys.map((k) => k.kid)).toEqual([a.kid]);
    expect(rotate(rotate(once, b), c).keys.map((k) => k.kid)).toEqual([c.kid, b.kid]);
  });

  it('the public set has no private member, an ES256 alg and a thumbprint kid', async () => {
    const jwk = await generateSigningJwk();
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwk.d).toBeDefined();
    const [pub] = publicKeySet({ keys: [jwk] }).keys;
    expect(pub).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: jwk.kid, alg: 'ES256', use: 'sig' });
  });

  it('ensureLocalSigningKeys creates both files with mode 0600 once, then reuses them', async () => {
    const files = await ensureLocalSigningKeys(join(dir, 'keys'));
    for (const file of [files.signingKeysFile, files.publicJwksFile]) expect(statSync(file).mode & 0o777).toBe(0o600);
    const privateSet = parseKeySet(readFileSync(files.signingKeysFile, 'utf8'));
    const publicSet = parseKeySet(readFileSync(files.publicJwksFile, 'utf8'));
    expect(privateSet.keys[0]!.d).toBeDefined();
    expect(publicSet).toEqual(publicKeySet(privateSet));
    expect(JSON.stringify(publicSet)).not.toContain('"d"');

    const again = await ensureLocalSigningKeys(join(dir, 'keys'));
    expect(again).toEqual(files);
    expect(parseKeySet(readFileSync(files.signingKeysFile, 'utf8'))).toEqual(privateSet);
  });

  it('local rotation makes a new current key and keeps the old one as previous, in both files', async () => {
    const files = await ensureLocalSigningKeys(dir);
    const before = parseKeySet(readFileSync(files.signingKeysFile, 'utf8')).keys[0]!.kid;
    await rotateLocalSigningKeys(dir);
    const after = parseKeySet(readFileSync(files.publicJwksFile, 'utf8')).keys.map((k) => k.kid);
    expect(after).toHaveLength(2);
    expect(after[1]).toBe(before);
    expect(after[0]).not.toBe(before);
  });

  it('refuses a file that is not a key set', () => {
    for (const text of ['{}', '{"keys":[]}', '{"keys":[{"kty":"EC"}]}', '[]'])
      expect(() => parseKeySet(text)).toThrow();
  });
});
