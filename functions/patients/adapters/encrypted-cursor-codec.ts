/**
 * Opaque, tamper-proof list cursors: the DynamoDB start key and the query it belongs to, sealed with
 * AES-256-GCM (authenticated encryption) and written base64url. A changed byte fails authentication;
 * and since the key is encrypted, not just signed, no name or email from a search key leaks into URLs.
 * The key comes from CURSOR_KEY (local) or the Secrets Manager secret CURSOR_KEY_SECRET_ARN (AWS),
 * fetched once per container.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { CursorCodec, PageKey } from '../ports';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']);

export class EncryptedCursorCodec implements CursorCodec {
  private key?: Promise<Buffer>;

  /** `secret` yields the key material (any length; it is hashed to 256 bits). */
  constructor(private readonly secret: () => Promise<string>) {}

  private aesKey(): Promise<Buffer> {
    this.key ??= this.secret().then((material) => {
      if (!material) throw new Error('The cursor key is empty');
      return createHash('sha256').update(`patient-cursor-v${VERSION}\n${material}`).digest();
    });
    this.key.catch(() => {
      this.key = undefined;
    });
    return this.key;
  }

  async encode(key: PageKey, scope: string): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.aesKey(), iv);
    cipher.setAAD(Buffer.from(scope));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(key), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  async decode(cursor: string, scope: string): Promise<PageKey | undefined> {
    if (cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
    const raw = Buffer.from(cursor, 'base64url');
    if (raw.length <= 1 + IV_BYTES + TAG_BYTES || raw[0] !== VERSION) return undefined;
    const iv = raw.subarray(1, 1 + IV_BYTES);
    const tag = raw.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const sealed = raw.subarray(1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', await this.aesKey(), iv);
      decipher.setAAD(Buffer.from(scope)); // a cursor of another query fails authentication
      decipher.setAuthTag(tag);
      const key = JSON.parse(Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8')) as unknown;
      return isPageKey(key) ? key : undefined;
    } catch {
      return undefined;
    }
  }
}

function isPageKey(value: unknown): value is PageKey {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([k, v]) => KEY_ATTRIBUTES.has(k) && typeof v === 'string');
}
