/**
 * `npm run localstack:sidecars` as a user runs it beside LocalStack's free edition: the broker comes up
 * advertising the host name containers use, and billing starts once a deploy has written its outputs,
 * on the table they name. Here DynamoDB Local stands in for LocalStack's DynamoDB endpoint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
});

it('serves Kafka at once and billing on the deployed table once the outputs appear', async () => {
  const tables = await useLocalTables();
  const ports = { KAFKA_PORT: await freePort(), BILLING_PORT: await freePort() };
  const outputs = join(dir, 'outputs.json');
  child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/localstack-sidecars.ts')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, KAFKA_PORT: String(ports.KAFKA_PORT), BILLING_PORT: String(ports.BILLING_PORT), KAFKA_ADVERTISED_HOST: 'localhost',
      LOCALSTACK_OUTPUTS: outputs, KAFKA_DATA_DIR: join(dir, 'kafka'), LOCALSTACK_ENDPOINT: process.env.DYNAMODB_ENDPOINT!, POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });

  await waitForOutput('Waiting for a deploy');
  const admin = new Kafka({ clientId: 'sidecars-test', brokers: [`127.0.0.1:${ports.KAFKA_PORT}`], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    expect((await admin.describeCluster()).brokers.map((b) => b.host)).toEqual(['localhost']);
  } finally {
    await admin.disconnect();
  }

  writeFileSync(outputs, JSON.stringify({ 'Pms-dev-Stateful': { BillingAccountsTable: tables['billing-accounts'], BillingTransactionsTable: tables['billing-transactions'] } }));
  await waitForOutput('Billing gRPC on');
  const client = billingClient({ address: `127.0.0.1:${ports.BILLING_PORT}` });
  try {
    const reply = await client.createBillingAccount({ patientId: 'p-sidecar-1', name: 'Edie Tester', email: 'edie@example.com' });
    expect(reply.status).toBe('ACTIVE');
  } finally {
    client.close();
  }
  const dynamo = localDynamoClient(process.env.DYNAMODB_ENDPOINT!);
  try {
    const item = await dynamo.send(new GetItemCommand({ TableName: tables['billing-accounts'], Key: { patientId: { S: 'p-sidecar-1' } } }));
    expect(item.Item).toBeDefined();
  } finally {
    dynamo.destroy();
  }
});
