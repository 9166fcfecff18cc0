/**
 * What `npm start` exposes beyond its owner: every listening socket of the runtime and of its child
 * processes is on loopback (read from /proc/net/tcp and tcp6), DynamoDB Local answers no browser, the
 * data folder and everything in it are readable by the owner only, and no key is one written in the code.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { EncryptedCursorCodec } from '../../../functions/patients/adapters/encrypted-cursor-codec';
import { loginDemoAdmin, request as api } from '../../support/http';

interface Listener {
  address: string;
  port: number;
  inode: string;
}

/** The runtime's process (it records its pid in the data folder) and all its descendants. */
function runtimeProcesses(dataDir: string): number[] {
  const { owner } = JSON.parse(readFileSync(join(dataDir, 'children.pid'), 'utf8')) as { owner: number };
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const found = [owner];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, parent] of parents) if (parent === found[i]) found.push(pid);
  }
  return found;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed while we looked
    }
  }
  return inodes;
}

/** /proc/net/tcp{,6} hold addresses as 32-bit words in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => [...Buffer.from(word, 'hex').reverse()]);
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  const mapped = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
  return mapped ? `::ffff:${bytes.slice(12).join('.')}` : groups.join(':');
}

function listeningSockets(): Listener[] {
  const LISTEN = '0A';
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === LISTEN)
      .map((fields) => {
        const [address, port] = fields[1]!.split(':') as [string, string];
        return { address: decodeAddress(address), port: parseInt(port, 16), inode: fields[9]! };
      }),
  );
}

const isLoopback = (address: string) =>
  /^127\./.test(address) || /^::ffff:127\./.test(address) || address === '0:0:0:0:0:0:0:1';

function post(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'DynamoDB_20120810.ListTables',
          ...headers,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

/** Every path below `dir` with a group or other permission bit (files renamed away while we walk are skipped). */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) return;
      if (stat.mode & 0o077) found.push(`${(stat.mode & 0o777).toString(8)} ${path}`);
      if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  };
  walk(dir);
  return found;
}

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run in the e2e project`);
  return value;
};
const portOf = (address: string) => Number(address.split(':').pop());

describe('what npm start exposes', () => {
  it('listens on loopback only: the gateway, the broker, billing, DynamoDB Local and any other socket of its processes', () => {
    const pids = runtimeProcesses(env('E2E_DATA_DIR'));
    const inodes = new Set(pids.flatMap((pid) => [...socketInodes(pid)]));
    const listeners = listeningSockets().filter((l) => inodes.has(l.inode));

    const ports = [
      env('E2E_BASE_URL'),
      env('E2E_KAFKA_BROKERS'),
      env('E2E_BILLING_ADDRESS'),
      env('E2E_DYNAMODB_ENDPOINT'),
    ].map(portOf);
    expect(listeners.map((l) => l.port)).toEqual(expect.arrayContaining(ports));
    expect(listeners.filter((l) => !isLoopback(l.address))).toEqual([]);
  });

  it('DynamoDB Local answers its SDK clients but no browser page (Origin) and no other host name (DNS rebinding)', async () => {
    const endpoint = env('E2E_DYNAMODB_ENDPOINT');
    const auth = {
      Authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    };
    expect(await post(endpoint, auth)).toBe(200);
    expect(await post(endpoint, { ...auth, Origin: 'https://attacker.example' })).toBe(403);
    expect(await post(endpoint, { ...auth, Host: `attacker.example:${portOf(endpoint)}` })).toBe(403);
  });

  it('keeps the data folder and every file in it readable by the owner only', () => {
    const dataDir = env('E2E_DATA_DIR');
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    expect(openToOthers(dataDir)).toEqual([]);
    // Not vacuous: DynamoDB's database, which the JVM (not Node) writes, is there.
    expect(readdirSync(join(dataDir, 'dynamodb'))).toContain('shared-local-instance.db');
  });

  it("seals list cursors with the data folder's own key (keys/cursor-key), not with a key written in the code", async () => {
    const token = await loginDemoAdmin();
    const page = await api('GET', '/api/patients?limit=1', { token });
    expect(page.status).toBe(200);
    const cursor: string = page.body.nextCursor;
    expect(cursor).toEqual(expect.any(String)); // the demo patients make more than one page

    const scope = JSON.stringify(['patients', null, null]); // list-patients.ts: a cursor is bound to its query
    const folderKey = readFileSync(join(env('E2E_DATA_DIR'), 'keys', 'cursor-key'), 'utf8').trim();
    const startKey = await new EncryptedCursorCodec(async () => folderKey).decode(cursor, scope);
    expect(startKey).toBeDefined();

    // The key the runtime once used for every installation must open nothing.
    const forged = await new EncryptedCursorCodec(async () => 'local-cursor-key-not-for-production').encode(
      startKey!,
      scope,
    );
    expect((await api('GET', `/api/patients?limit=1&cursor=${forged}`, { token })).status).toBe(400);
    expect((await api('GET', `/api/patients?limit=1&cursor=${cursor}`, { token })).status).toBe(200);
  });
});
