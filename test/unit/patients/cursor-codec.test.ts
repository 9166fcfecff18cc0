/** Cursors: opaque (no key material readable), tamper-proof, bound to their query. */
import { EncryptedCursorCodec } from '../../../functions/patients/adapters/encrypted-cursor-codec';
import { cursorKeyMaterial } from '../../../functions/patients/adapters/cursor-key';

const codec = new EncryptedCursorCodec(async () => 'unit-test-key');
const key = { pk: 'PATIENT#1', sk: 'SEARCH#first', gsi1pk: 'SEARCH#j', gsi1sk: 'john#first#1' };

describe('EncryptedCursorCodec', () => {
  it('round-trips a start key for the same query, as base64url that reveals nothing', async () => {
    const cursor = await codec.encode(key, 'scope-a');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('john');
    expect(await codec.decode(cursor, 'scope-a')).toEqual(key);
  });

  it('refuses a cursor of another query, another key, or with any byte changed', async () => {
    const cursor = await codec.encode(key, 'scope-a');
    expect(await codec.decode(cursor, 'scope-b')).toBeUndefined();
    expect(await new EncryptedCursorCodec(async () => 'other-key').decode(cursor, 'scope-a')).toBeUndefined();
    const raw = Buffer.from(cursor, 'base64url');
    for (let i = 0; i < raw.length; i += 7) {
      const changed = Buffer.from(raw);
      changed[i] = changed[i]! ^ 0x01;
      expect(await codec.decode(changed.toString('base64url'), 'scope-a')).toBeUndefined();
    }
  });

  it('refuses garbage without throwing', async () => {
    for (const bad of ['', 'x', '!!!', 'eyJwayI6IlBBVElFTlQjMSJ9', 'A'.repeat(5000)]) {
      expect(await codec.decode(bad, 'scope-a')).toBeUndefined();
    }
  });

  it('takes its key from CURSOR_KEY, and needs one', async () => {
    expect(await cursorKeyMaterial({ CURSOR_KEY: 'k' })).toBe('k');
    await expect(cursorKeyMaterial({})).rejects.toThrow('CURSOR_KEY');
  });
});
