/**
 * Billing figures, against the runtime's billing server (its own process, as in the container):
 * CreateBillingAccount calls/s and p99 at concurrency 16, each call a new patient id, vs raw conditional
 * PutItem throughput on the billing accounts table of the same DynamoDB Local at the same concurrency; and
 * a bare grpc-js unary echo server (its own process) as the transport ceiling.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BenchModule } from '../lib/context';
import type { BenchContext } from '../lib/context';
import { requireFiles, ROOT } from '../lib/components';
import { bareClients } from '../lib/dynamo';
import { billingCaller } from '../lib/grpc';
import { closedLoop } from '../lib/load';
import { comparison, figure, type Row } from '../lib/report';
import { median } from '../lib/stats';
import { ECHO_SERVICE } from '../fixtures/echo-server';

const CONCURRENCY = 16;

async function startEcho(): Promise<{ address: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../fixtures/echo-server.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const m = /PORT (\d+)/.exec(chunk.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
  return { address: `127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

async function run(ctx: BenchContext) {
  requireFiles(['billing/src/server.ts', 'billing/src/main.ts']);
  const runtime = await ctx.runtime();
  const billing = billingCaller(runtime.billing);
  const { client, doc } = bareClients(runtime.dynamodb);
  const echo = await startEcho();
  const EchoClient = makeGenericClientConstructor(ECHO_SERVICE, 'Echo');
  const echoClient = new EchoClient(echo.address, credentials.createInsecure()) as unknown as {
    echo(request: Buffer, callback: (error: Error | null, response: Buffer) => void): void;
    close(): void;
  };
  const payload = Buffer.from(
    JSON.stringify({ patientId: randomUUID(), name: 'Bench Patient', email: 'bench@example.test' }),
  );
  const create = () => billing.create({ patientId: randomUUID(), name: 'Bench Patient', email: 'bench@example.test' });
  const put = () =>
    doc.send(
      new PutCommand({
        TableName: 'billing-accounts',
        Item: {
          patientId: randomUUID(),
          accountId: randomUUID(),
          status: 'ACTIVE',
          name: 'Bench Patient',
          email: 'bench@example.test',
          createdAt: new Date().toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(patientId)',
      }),
    );
  const callEcho = () =>
    new Promise<Buffer>((resolve, reject) => echoClient.echo(payload, (e, r) => (e ? reject(e) : resolve(r))));
  const rows: Row[] = [];
  try {
    await closedLoop(CONCURRENCY, 2, create);
    await closedLoop(CONCURRENCY, 2, put);
    await closedLoop(CONCURRENCY, 1, callEcho);
    const grpc: number[] = [];
    const grpcP99: number[] = [];
    const raw: number[] = [];
    const rawP99: number[] = [];
    const ceiling: number[] = [];
    let failures = 0;
    for (let round = 0; round < ctx.rounds; round++) {
      const g = await closedLoop(CONCURRENCY, ctx.seconds, create);
      const r = await closedLoop(CONCURRENCY, ctx.seconds, put);
      const e = await closedLoop(CONCURRENCY, ctx.seconds, callEcho);
      grpc.push(g.rps);
      grpcP99.push(g.p99);
      raw.push(r.rps);
      rawP99.push(r.p99);
      ceiling.push(e.rps);
      failures += g.failures + r.failures + e.failures;
      ctx.log(
        `round ${round + 1}: CreateBillingAccount ${g.rps.toFixed(0)}/s, PutItem ${r.rps.toFixed(0)}/s, echo ${e.rps.toFixed(0)}/s`,
      );
    }
    rows.push(
      comparison(
        `CreateBillingAccount at c=${CONCURRENCY}`,
        median(grpc),
        median(raw),
        'calls/s',
        '>=',
        0.7,
        'raw conditional PutItem',
      ),
    );
    rows.push(figure(`CreateBillingAccount p99 at c=${CONCURRENCY}`, median(grpcP99), 'ms'));
    rows.push(figure(`raw conditional PutItem p99 at c=${CONCURRENCY}`, median(rawP99), 'ms'));
    rows.push(figure(`bare grpc-js unary echo at c=${CONCURRENCY} (transport ceiling)`, median(ceiling), 'calls/s'));
    if (failures) rows.push(figure('failed calls during the billing rounds', failures));
  } finally {
    echoClient.close();
    echo.stop();
    billing.close();
    client.destroy();
  }
  return {
    rows,
    notes: [
      `Billing: ${CONCURRENCY} workers back to back for ${ctx.seconds} s per round; each CreateBillingAccount a new patient id (a real account is opened); PutItem with attribute_not_exists(patientId) on the same table; the echo server is a separate Node process with the same grpc-js, echoing raw bytes.`,
    ],
  };
}

const module: BenchModule = { name: 'billing', run };
export default module;
