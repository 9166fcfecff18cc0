/**
 * Auth figures (issue 3): the authorizer's decision (verify + revocation lookup), called in-process as
 * API Gateway calls it, vs the bare revocation GetItem against the same DynamoDB Local; and login through
 * the gateway vs the bare password hash at the cost the auth function uses.
 */
import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BenchModule } from '../run';
import type { BenchContext } from '../lib/context';
import { DEMO_ADMIN } from '../lib/context';
import { loadHandler } from '../lib/bundle';
import { requireFiles, ROOT } from '../lib/components';
import { bareClients, functionEnvironment } from '../lib/dynamo';
import { sequential } from '../lib/load';
import { comparison, figure, type Row } from '../lib/report';
import { jtiOf, revocationKey } from '../lib/revocation';
import { median, percentile } from '../lib/stats';

const DECISIONS = Number(process.env.BENCH_AUTHORIZER_CALLS ?? 1000);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 20);

interface ScryptCost { N: number; r: number; p: number; keylen: number; source: string }

/** The scrypt parameters, read from the auth function's code (the one place they are chosen). */
export function scryptCost(): ScryptCost {
  const dir = join(ROOT, 'functions/auth');
  const files = listTs(dir);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!/scrypt/i.test(text)) continue;
    const num = (pattern: RegExp) => { const m = pattern.exec(text); return m ? Number(m[1]!.replace(/_/g, '')) : undefined; };
    const N = num(/\b(?:N|cost)\s*[:=]\s*([\d_]+)/) ?? (num(/\b(?:N|cost)\s*[:=]\s*2\s*\*\*\s*(\d+)/) ? 2 ** num(/\b(?:N|cost)\s*[:=]\s*2\s*\*\*\s*(\d+)/)! : undefined);
    const r = num(/\b(?:r|blockSize)\s*[:=]\s*(\d+)/);
    const p = num(/\b(?:p|parallelization)\s*[:=]\s*(\d+)/);
    const keylen = num(/\b(?:keylen|keyLength|KEY_LENGTH|HASH_BYTES|KEY_BYTES)\s*[:=]\s*(\d+)/) ?? 64;
    if (N && r && p) return { N, r, p, keylen, source: file.slice(ROOT.length + 1) };
  }
  throw new Error('no scrypt parameters found in functions/auth');
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

function hash(cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt('password123', randomBytes(16), cost.keylen, options, (e, key) => e ? reject(e) : resolve(key)));
}

async function run(ctx: BenchContext) {
  requireFiles(['functions/authorizer/handler.ts', 'functions/auth/handler.ts']);
  const runtime = await ctx.runtime();
  const token = await ctx.adminToken();
  const rows: Row[] = [];
  const notes: string[] = [];

  // Authorizer decision vs bare GetItem.
  const { ensureLocalSigningKeys } = await import('../../functions/auth/local-keys');
  const keys = await ensureLocalSigningKeys(join(runtime.dataDir, 'keys'));
  functionEnvironment(runtime.dynamodb, { PUBLIC_JWKS_FILE: keys.publicJwksFile, SIGNING_KEYS_FILE: keys.signingKeysFile });
  const authorizer = await loadHandler('authorizer');
  const event = { type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: 'arn:aws:execute-api:local:000000000000:local/local/GET/api/patients' };
  const first = JSON.stringify(await authorizer(event, {}));
  if (!first.includes('Allow')) throw new Error(`the authorizer did not allow the demo admin's token: ${first.slice(0, 200)}`);
  const jti = jtiOf(token);
  const { client, doc } = bareClients(runtime.dynamodb);
  const get = new GetCommand({ TableName: 'sessions', Key: revocationKey(jti), ConsistentRead: true });
  await sequential(100, () => doc.send(get)); // warm both paths alike
  await sequential(100, () => authorizer(event, {}));
  const decisionP99: number[] = [];
  const getP99: number[] = [];
  const decisionP50: number[] = [];
  for (let round = 0; round < ctx.rounds; round++) {
    const bare = await sequential(DECISIONS, () => doc.send(get));
    const decisions = await sequential(DECISIONS, () => authorizer(event, {}));
    getP99.push(percentile(bare, 99));
    decisionP99.push(percentile(decisions, 99));
    decisionP50.push(percentile(decisions, 50));
  }
  client.destroy();
  rows.push(comparison('authorizer decision p99', median(decisionP99), median(getP99), 'ms', '<=', 1.5, 'bare revocation GetItem p99'));
  rows.push(figure('authorizer decision p50', median(decisionP50), 'ms'));
  notes.push(`Authorizer: the bundled handler called in-process with a TOKEN event, ${DECISIONS} sequential decisions per round, against the runtime's DynamoDB Local; baseline: ConsistentRead GetItem of the token's revocation key (${JSON.stringify(revocationKey('<jti>'))}) on the sessions table.`);

  // Login vs the bare hash.
  let cost: ScryptCost | undefined;
  try { cost = scryptCost(); } catch (error) { notes.push(`Login comparison skipped: ${(error as Error).message}`); }
  if (cost) {
    const body = JSON.stringify(DEMO_ADMIN);
    const loginOnce = async () => {
      const response = await fetch(`${runtime.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`login answered ${response.status}`);
    };
    await sequential(3, loginOnce);
    await sequential(3, () => hash(cost));
    const loginP50: number[] = [];
    const hashP50: number[] = [];
    for (let round = 0; round < ctx.rounds; round++) {
      hashP50.push(median(await sequential(LOGINS, () => hash(cost))));
      loginP50.push(median(await sequential(LOGINS, loginOnce)));
    }
    rows.push(comparison('login p50 (through the gateway)', median(loginP50), median(hashP50), 'ms', '<=', 1.3, `bare scrypt N=${cost.N} r=${cost.r} p=${cost.p}`));
    notes.push(`Password hash: scrypt N=${cost.N}, r=${cost.r}, p=${cost.p}, ${cost.keylen}-byte key (read from ${cost.source}); ${LOGINS} sequential logins per round.`);
  }
  return { rows, notes };
}

const module: BenchModule = { name: 'auth', run };
export default module;
