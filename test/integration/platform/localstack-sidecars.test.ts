/**
 * `npm run localstack:sidecars` as a user runs it beside LocalStack's Hobby plan: the broker comes up
 * advertising the host name containers use; once a deploy has written its outputs, billing starts on the
 * table they name and topic patient feeds the analytics consumer they name through the Lambda API (the
 * plan has no Kafka event source mapping). A small server stands in for LocalStack's endpoint: it takes
 * the Lambda invocations and hands everything else to DynamoDB Local.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Kafka, logLevel } from 'kafkajs';
import { billingClient } from '../../../functions/commons/clients/billing';
import { localDynamoClient } from '../../../local/dynamo';
import { freePort } from '../../../local/ports';
import { useLocalTables } from '../../support/tables';

const ROOT = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'sidecars-'));
let child: ChildProcess;
let output = '';
let localstack: Server;
const invocations: {
  functionName: string;
  event: { eventSource: string; records: Record<string, { value: string }[]> };
}[] = [];

/** LocalStack's endpoint, as far as the sidecars use it: Lambda Invoke here, DynamoDB passed on to DynamoDB Local. */
async function fakeLocalStack(dynamodb: string): Promise<string> {
  localstack = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
      if (invoke) {
        invocations.push({
          functionName: decodeURIComponent(invoke[1]!),
          event: JSON.parse(Buffer.concat(chunks).toString()),
        });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
        return;
      }
      const target = new URL(dynamodb);
      const forward = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (reply) => {
          res.writeHead(reply.statusCode ?? 500, reply.headers);
          reply.pipe(res);
        },
      );
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => localstack.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(localstack.address() as { port: number }).port}`;
}

async function waitForOutput(text: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!output.includes(text)) {
    if (child.exitCode !== null) throw new Error(`the sidecars exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`gave up waiting for "${text}":\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
  await new Promise((r) => localstack?.close(r));
});

it('serves Kafka at once; once the outputs appear, billing on the deployed table and topic patient to the analytics consumer', async () => {
  const tables = await useLocalTables();
  const endpoint = await fakeLocalStack(process.env.DYNAMODB_ENDPOINT!);
  const ports = { KAFKA_PORT: await freePort(), BILLING_PORT: await freePort() };
  const outputs = join(dir, 'outputs.json');
  child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/localstack-sidecars.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      KAFKA_PORT: String(ports.KAFKA_PORT),
      BILLING_PORT: String(ports.BILLING_PORT),
      KAFKA_ADVERTISED_HOST: 'localhost',
      LOCALSTACK_OUTPUTS: outputs,
      KAFKA_DATA_DIR: join(dir, 'kafka'),
      LOCALSTACK_ENDPOINT: endpoint,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  await waitForOutput('Waiting for a deploy');
  const admin = new Kafka({
    clientId: 'sidecars-test',
    brokers: [`127.0.0.1:${ports.KAFKA_PORT}`],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    expect((await admin.describeCluster()).brokers.map((b) => b.host)).toEqual(['localhost']);
  } finally {
    await admin.disconnect();
  }

  writeFileSync(
    outputs,
    JSON.stringify({
      'Pms-dev-Stateful': {
        BillingAccountsTable: tables['billing-accounts'],
        BillingTransactionsTable: tables['billing-transactions'],
      },
      'Pms-dev-Api': { AnalyticsConsumerFunction: 'pms-dev-analytics-consumer' },
    }),
  );
  await waitForOutput('Billing gRPC on');
  await waitForOutput('Topic patient → pms-dev-analytics-consumer');
  await waitForOutput('Topic billing → pms-dev-analytics-consumer');
  const client = billingClient({ address: `127.0.0.1:${ports.BILLING_PORT}` });
  try {
    const reply = await client.createBillingAccount({
      patientId: 'p-sidecar-1',
      name: 'Edie Tester',
      email: 'edie@example.com',
    });
    expect(reply.status).toBe('ACTIVE');
  } finally {
    client.close();
  }
  const dynamo = localDynamoClient(process.env.DYNAMODB_ENDPOINT!);
  try {
    const item = await dynamo.send(
      new GetItemCommand({ TableName: tables['billing-accounts'], Key: { patientId: { S: 'p-sidecar-1' } } }),
    );
    expect(item.Item).toBeDefined();
  } finally {
    dynamo.destroy();
  }

  const producer = new Kafka({
    clientId: 'sidecars-test',
    brokers: [`127.0.0.1:${ports.KAFKA_PORT}`],
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  try {
    await producer.send({ topic: 'patient', messages: [{ key: 'p-sidecar-1', value: 'event-1' }] });
  } finally {
    await producer.disconnect();
  }
  const deadline = Date.now() + 60_000;
  while (!invocations.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(invocations[0]?.functionName).toBe('pms-dev-analytics-consumer');
  const records = Object.values(invocations[0]!.event.records).flat();
  expect([invocations[0]!.event.eventSource, records.map((r) => Buffer.from(r.value, 'base64').toString())]).toEqual([
    'aws:kafka',
    ['event-1'],
  ]);
});
