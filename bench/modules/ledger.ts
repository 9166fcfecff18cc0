/**
 * Ledger figures, against the runtime's billing server (its own process, as in the container):
 * - RecordTransaction throughput on ONE hot account at c=16 (each call a new idempotency key), vs a raw
 *   conditional TransactWriteItems of the same items (the transaction, its key, the account's figures) at
 *   c=16 on one hot account of the same DynamoDB Local, retried on a transaction conflict as the service does;
 * - end to end: POST /api/patients/{id}/billing/transactions → the amount in GET /api/analytics' billing block, p50 and p99.
 */
import { randomUUID } from 'node:crypto';
import { credentials, Metadata } from '@grpc/grpc-js';
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { BenchModule } from '../lib/context';
import type { BenchContext } from '../lib/context';
import { patientInput } from '../lib/context';
import { requireFiles } from '../lib/components';
import { bareClients } from '../lib/dynamo';
import { billingCaller } from '../lib/grpc';
import { closedLoop, sequential } from '../lib/load';
import { comparison, figure, limit, type Row } from '../lib/report';
import { median, percentile } from '../lib/stats';
import { BillingServiceClient } from '../../proto/gen/billing_service';
import { cancellationReasons } from '../../functions/commons/dynamo-errors';
import { retry } from '../../functions/commons/retry';

const CONCURRENCY = 16;
const E2E_SAMPLES = Number(process.env.BENCH_E2E_SAMPLES ?? 10);

async function run(ctx: BenchContext) {
  requireFiles([
    'billing/src/use-cases/ledger.ts',
    'functions/billing/handler.ts',
    'functions/billing/streams/publish-events.ts',
  ]);
  const runtime = await ctx.runtime();
  const token = await ctx.adminToken();
  const opener = billingCaller(runtime.billing);
  const grpc = new BillingServiceClient(runtime.billing, credentials.createInsecure());
  const { client } = bareClients(runtime.dynamodb);

  // Two hot accounts: one written through the service, one by the raw baseline.
  const hot = randomUUID();
  const raw = randomUUID();
  const [{ accountId: rawAccount }] = await Promise.all([
    opener.create({ patientId: raw, name: 'Bench Raw', email: 'raw@example.test' }),
    opener.create({ patientId: hot, name: 'Bench Hot', email: 'hot@example.test' }),
  ]);
  const record = () =>
    new Promise((resolve, reject) =>
      grpc.recordTransaction(
        {
          patientId: hot,
          idempotencyKey: randomUUID(),
          type: 'CHARGE',
          amount: 1,
          currency: '',
          description: 'bench',
          serviceDate: '',
          createdBy: 'bench',
        },
        new Metadata(),
        { deadline: Date.now() + 10_000 },
        (e, r) => (e ? reject(e) : resolve(r)),
      ),
    );
  const rawWrite = async () => {
    const id = randomUUID();
    const pk = `ACCOUNT#${rawAccount}`;
    return retry(
      () =>
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: 'billing-transactions',
                  Item: marshall({
                    pk,
                    sk: `TX#${id}`,
                    entity: 'BENCH',
                    amount: 1,
                    createdAt: new Date().toISOString(),
                  }),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: 'billing-transactions',
                  Item: marshall({ pk, sk: `KEY#${id}`, entity: 'BENCH', transactionId: id }),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: 'billing-accounts',
                  Key: marshall({ patientId: raw }),
                  UpdateExpression: 'ADD balance :one, totalCharged :one',
                  ConditionExpression: 'attribute_exists(patientId)',
                  ExpressionAttributeValues: marshall({ ':one': 1 }),
                },
              },
            ],
          }),
        ),
      {
        attempts: 9,
        backoff: { baseMs: 10, jitter: 'full' },
        retryable: (error) =>
          cancellationReasons(error) !== undefined || (error as Error).name === 'TransactionConflictException',
      },
    );
  };

  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    await closedLoop(CONCURRENCY, 2, record);
    await closedLoop(CONCURRENCY, 2, rawWrite);
    const service: number[] = [];
    const serviceP99: number[] = [];
    const baseline: number[] = [];
    const baselineP99: number[] = [];
    let failures = 0;
    for (let round = 0; round < ctx.rounds; round++) {
      const s = await closedLoop(CONCURRENCY, ctx.seconds, record);
      const b = await closedLoop(CONCURRENCY, ctx.seconds, rawWrite);
      service.push(s.rps);
      serviceP99.push(s.p99);
      baseline.push(b.rps);
      baselineP99.push(b.p99);
      failures += s.failures + b.failures;
      ctx.log(
        `round ${round + 1}: RecordTransaction ${s.rps.toFixed(0)}/s (p99 ${s.p99.toFixed(0)} ms), raw TransactWriteItems ${b.rps.toFixed(0)}/s (p99 ${b.p99.toFixed(0)} ms)`,
      );
    }
    rows.push(
      comparison(
        `RecordTransaction on one hot account at c=${CONCURRENCY}`,
        median(service),
        median(baseline),
        'tx/s',
        '>=',
        0.5,
        'raw conditional TransactWriteItems',
      ),
    );
    rows.push(figure(`RecordTransaction p99 at c=${CONCURRENCY}`, median(serviceP99), 'ms'));
    rows.push(figure(`raw TransactWriteItems p99 at c=${CONCURRENCY}`, median(baselineP99), 'ms'));
    if (failures) rows.push(figure('failed calls during the ledger rounds', failures));

    // End to end: a patient, then sequential posts, each timed until analytics counts its amount.
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${runtime.baseUrl}/api/patients`, {
      method: 'POST',
      headers,
      body: JSON.stringify(patientInput('ledger')),
    });
    const { id } = (await created.json()) as { id: string };
    const charged = async () => {
      const body = (await (await fetch(`${runtime.baseUrl}/api/analytics`, { headers })).json()) as {
        billing: { currencies: Record<string, { charged: number }> };
      };
      return body.billing.currencies.USD?.charged ?? 0;
    };
    const latencies: number[] = [];
    for (let round = 0; round < ctx.rounds; round++) {
      latencies.push(
        ...(await sequential(E2E_SAMPLES, async (i) => {
          const before = await charged();
          const amount = 1_000 + i;
          const response = await fetch(`${runtime.baseUrl}/api/patients/${id}/billing/transactions`, {
            method: 'POST',
            headers: { ...headers, 'idempotency-key': randomUUID() },
            body: JSON.stringify({ type: 'CHARGE', amount, description: 'bench' }),
          });
          if (response.status !== 201) throw new Error(`POST transaction answered ${response.status}`);
          const deadline = Date.now() + 15_000;
          // Other writers (the closed loops above are done) do not run now: the figure moves by this amount.
          while ((await charged()) < before + amount) {
            if (Date.now() > deadline) throw new Error('a transaction did not reach analytics in 15 s');
            await new Promise((r) => setTimeout(r, 10));
          }
        })),
      );
    }
    rows.push(figure('POST transaction → GET /api/analytics p50', percentile(latencies, 50), 'ms'));
    rows.push(limit('POST transaction → GET /api/analytics p99', percentile(latencies, 99), 'ms', '<=', 1500));
    notes.push(
      `Ledger: ${CONCURRENCY} workers back to back on one account for ${ctx.seconds} s per round, each call a new idempotency key (CHARGE of 1); the baseline writes the same three items (transaction, key, account figures) as one conditional TransactWriteItems on another single account, retrying a transaction conflict with jittered back-off as the service does.`,
    );
    notes.push(
      `End to end: ${latencies.length} sequential posts, each timed from sending the POST until GET /api/analytics (polled every 10 ms) shows its amount in billing.currencies.USD.charged.`,
    );
  } finally {
    grpc.close();
    opener.close();
    client.destroy();
  }
  return { rows, notes };
}

const module: BenchModule = { name: 'ledger', run };
export default module;
