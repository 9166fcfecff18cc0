/**
 * What the LocalStack community profile expects to find outside LocalStack, run on the host:
 *   - the Kafka-protocol broker on 0.0.0.0:9092, advertised as host.docker.internal so that Lambda
 *     containers can reach it (the profile's default `kafkaBrokers`);
 *   - once `npm run deploy:localstack` has written its outputs, the billing gRPC server on 0.0.0.0:9001
 *     (the profile's default `billingAddress`) on LocalStack's billing-accounts table.
 * Start it before the deploy: the topic is created at deploy time. Ctrl-C stops both.
 *   npm run localstack:sidecars
 * Settings: KAFKA_PORT, KAFKA_ADVERTISED_HOST, KAFKA_DATA_DIR (.data/localstack/kafka), BILLING_PORT, LOCALSTACK_ENDPOINT (http://localhost:4566),
 * LOCALSTACK_OUTPUTS (.data/localstack-outputs.json).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startBroker } from '../local/broker';
import { portOf } from '../local/ports';
import { startBilling } from '../local/runtime';
import { tableEnvVar } from '../infra/definitions/tables';

const ROOT = resolve(__dirname, '..');
const outputsFile = resolve(process.env.LOCALSTACK_OUTPUTS ?? join(ROOT, '.data', 'localstack-outputs.json'));
const endpoint = process.env.LOCALSTACK_ENDPOINT ?? 'http://localhost:4566';

/** The billing tables named in the deploy's outputs, once a deploy newer than `since` wrote them. */
function billingTables(since: number): { accounts: string; transactions: string } | undefined {
  if (!existsSync(outputsFile) || statSync(outputsFile).mtimeMs < since) return undefined;
  const stacks = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
  const output = (name: string) => Object.values(stacks).map((outputs) => outputs[name]).find(Boolean);
  const [accounts, transactions] = [output('BillingAccountsTable'), output('BillingTransactionsTable')];
  return accounts && transactions ? { accounts, transactions } : undefined;
}

async function main(): Promise<void> {
  const started = Date.now();
  const advertisedHost = process.env.KAFKA_ADVERTISED_HOST ?? 'host.docker.internal';
  const broker = await startBroker({ port: portOf('kafka'), host: '0.0.0.0', advertisedHost, dataDir: process.env.KAFKA_DATA_DIR ?? join(ROOT, '.data', 'localstack', 'kafka') });
  console.log(`Kafka broker on 0.0.0.0:${broker.port}, advertised as ${advertisedHost}:${broker.port}`);
  console.log(`Waiting for a deploy to write ${outputsFile} (npm run deploy:localstack)…`);
  let tables: { accounts: string; transactions: string } | undefined;
  while (!(tables = billingTables(started))) await new Promise((r) => setTimeout(r, 1000));
  const table = tables.accounts;
  const billing = await startBilling(portOf('billing'), {
    [tableEnvVar('billing-accounts')]: table, [tableEnvVar('billing-transactions')]: tables.transactions, DYNAMODB_ENDPOINT: endpoint, BILLING_HOST: '0.0.0.0',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1', AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
  }, false);
  console.log(`Billing gRPC on 0.0.0.0:${portOf('billing')}, table ${table} at ${endpoint}. Ctrl-C stops both.`);
  const stop = async () => {
    await billing.stop();
    await broker.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: Error) => {
  console.error(`Could not start the LocalStack sidecars: ${error.message}`);
  process.exit(1);
});
