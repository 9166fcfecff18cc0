/**
 * Auth figures: the authorizer's decision (verify + login state lookup), called in-process as
 * API Gateway calls it, vs the bare access-state BatchGetItem against the same DynamoDB Local; and login through
 * the gateway vs the bare password hash at the cost the auth function uses.
 */
import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BenchModule } from '../lib/context';
import type { BenchContext } from '../lib/context';
import { DEMO_ADMIN } from '../../functions/auth/demo-admin';
import { loadHandler } from '../../test/support/bundle';
import { requireFiles, ROOT } from '../lib/components';
import { bareClients, functionEnvironment } from '../lib/dynamo';
import { sequential } from '../lib/load';
import { comparison, figure, type Row } from '../lib/report';
import { accessStateKeys } from '../lib/access-state';
import { median, percentile } from '../lib/stats';

const DECISIONS = Number(process.env.BENCH_AUTHORIZER_CALLS ?? 1000);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 20);

interface ScryptCost {
  N: number;
  r: number;
  p: number;
  keylen: number;
  source: string;
}

/**
 * The cost the login actually pays: the parameters inside the demo admin's stored hash
 * (`scrypt$<logN>$<r>$<p>$<salt>$<hash>`, functions/auth/domain/password.ts), and the key length from that code.
 */
async function scryptCost(doc: DynamoDBDocumentClient): Promise<ScryptCost> {
  const code = readFileSync(join(ROOT, 'functions/auth/domain/password.ts'), 'utf8');
  const keylen = Number(/KEY_LENGTH\s*=\s*(\d+)/.exec(code)?.[1] ?? 64);
  const claim = await doc.send(
    new GetCommand({ TableName: 'users', Key: { pk: `EMAIL#${DEMO_ADMIN.email}` }, ConsistentRead: true }),
  );
  const user = await doc.send(
    new GetCommand({ TableName: 'users', Key: { pk: `USER#${String(claim.Item?.userId)}` }, ConsistentRead: true }),
  );
  const stored = String(user.Item?.passwordHash ?? '');
  const [scheme, logN, r, p] = stored.split('$');
  if (scheme === 'scrypt')
    return { N: 2 ** Number(logN), r: Number(r), p: Number(p), keylen, source: "the demo admin's stored hash" };
  const { OWASP_COST } = await import('../../functions/auth/domain/password');
  return {
    N: 2 ** OWASP_COST.logN,
    r: OWASP_COST.r,
    p: OWASP_COST.p,
    keylen,
    source: 'functions/auth/domain/password.ts (OWASP_COST)',
  };
}

function hash(cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(DEMO_ADMIN.password, randomBytes(16), cost.keylen, options, (e, key) => (e ? reject(e) : resolve(key))),
  );
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
  functionEnvironment(runtime.dynamodb, {
    PUBLIC_JWKS_FILE: keys.publicJwksFile,
    SIGNING_KEYS_FILE: keys.signingKeysFile,
  });
  const authorizer = await loadHandler('authorizer');
  const event = {
    type: 'TOKEN',
    authorizationToken: `Bearer ${token}`,
    methodArn: 'arn:aws:execute-api:local:000000000000:local/local/GET/api/patients',
  };
  const first = JSON.stringify(await authorizer(event, {}));
  if (!first.includes('Allow'))
    throw new Error(`the authorizer did not allow the demo admin's token: ${first.slice(0, 200)}`);
  const { client, doc } = bareClients(runtime.dynamodb);
  const stateKeys = accessStateKeys(token);
  const get = () =>
    doc.send(new BatchGetCommand({ RequestItems: { sessions: { Keys: stateKeys, ConsistentRead: true } } }));
  await sequential(100, get); // warm both paths alike
  await sequential(100, () => authorizer(event, {}));
  const decisionP99: number[] = [];
  const getP99: number[] = [];
  const decisionP50: number[] = [];
  for (let round = 0; round < ctx.rounds; round++) {
    const bare = await sequential(DECISIONS, get);
    const decisions = await sequential(DECISIONS, () => authorizer(event, {}));
    getP99.push(percentile(bare, 99));
    decisionP99.push(percentile(decisions, 99));
    decisionP50.push(percentile(decisions, 50));
  }
  rows.push(
    comparison(
      'authorizer decision p99',
      median(decisionP99),
      median(getP99),
      'ms',
      '<=',
      1.5,
      'bare access-state BatchGetItem p99',
    ),
  );
  rows.push(figure('authorizer decision p50', median(decisionP50), 'ms'));
  notes.push(
    `Authorizer: the bundled handler called in-process with a TOKEN event, ${DECISIONS} sequential decisions per round, against the runtime's DynamoDB Local; baseline: ConsistentRead BatchGetItem of the token's login and account items (${JSON.stringify(stateKeys.map((k) => String(k.pk).split('#')[0]))}) on the sessions table.`,
  );

  // Login vs the bare hash.
  const cost = await scryptCost(doc);
  {
    const body = JSON.stringify(DEMO_ADMIN);
    const loginOnce = async () => {
      const response = await fetch(`${runtime.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
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
    rows.push(
      comparison(
        'login p50 (through the gateway)',
        median(loginP50),
        median(hashP50),
        'ms',
        '<=',
        1.3,
        `bare scrypt N=${cost.N} r=${cost.r} p=${cost.p}`,
      ),
    );
    notes.push(
      `Password hash: scrypt N=${cost.N}, r=${cost.r}, p=${cost.p}, ${cost.keylen}-byte key (read from ${cost.source}); ${LOGINS} sequential logins per round.`,
    );
  }
  client.destroy();
  return { rows, notes };
}

const module: BenchModule = { name: 'auth', run };
export default module;
