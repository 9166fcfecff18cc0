/**
 * What the LocalStack Hobby and Base profiles expect to find outside LocalStack, run on the host:
 *   - the Kafka-protocol broker on 0.0.0.0:9092, advertised as host.docker.internal so that Lambda
 *     containers can reach it (the profiles' default `kafkaBrokers`);
 *   - once `npm run deploy:localstack` has written its outputs: the billing gRPC server on 0.0.0.0:9001
 *     (the profiles' default `billingAddress`) on LocalStack's billing-accounts table; and, where the plan
 *     has no Kafka event source mapping (output AnalyticsConsumerFunction), the feed that stands in for
 *     it: the local Kafka pollers on topics patient and billing, invoking that function through LocalStack's Lambda API.
 * Start it before the deploy: the deploy creates the topic. Ctrl-C stops everything.
 *   npm run localstack:sidecars
 * Settings: KAFKA_PORT, KAFKA_ADVERTISED_HOST, KAFKA_DATA_DIR (.data/localstack/kafka), BILLING_PORT, LOCALSTACK_ENDPOINT (http://localhost:4566),
 * LOCALSTACK_OUTPUTS (.data/localstack-outputs.json), AWS_REGION (us-east-1).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { MSKEvent } from 'aws-lambda';
import { startBroker } from '../local/broker';
import { startKafkaPoller } from '../local/pollers/kafka-poller';
import { portOf } from '../local/ports';
import { startBilling } from '../local/runtime';
import { functions } from '../system/functions';
import { tableEnvVar } from '../system/tables';
import { SIDECAR_HOST } from '../infra/profiles';
import { assertResolvesHere } from './host-names';
import { outputValue, readStackOutputs, type StackOutputs } from './stack-outputs';

const ROOT = resolve(__dirname, '..');
const outputsFile = resolve(process.env.LOCALSTACK_OUTPUTS ?? join(ROOT, '.data', 'localstack-outputs.json'));
const endpoint = process.env.LOCALSTACK_ENDPOINT ?? 'http://localhost:4566';
const aws = {
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
};

/** The outputs of a deploy newer than `since`. */
const deployedSince = (since: number): StackOutputs | undefined =>
  existsSync(outputsFile) && statSync(outputsFile).mtimeMs >= since ? readStackOutputs(outputsFile) : undefined;

/** The analytics consumer as Lambda's Kafka mapping would invoke it; a function error fails the batch, which the poller retries. */
function invoker(functionName: string): (event: MSKEvent) => Promise<void> {
  const lambda = new LambdaClient({
    endpoint,
    region: aws.AWS_REGION,
    credentials: { accessKeyId: aws.AWS_ACCESS_KEY_ID, secretAccessKey: aws.AWS_SECRET_ACCESS_KEY },
  });
  return async (event) => {
    const reply = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
    );
    if (reply.FunctionError) throw new Error(`${functionName} failed: ${Buffer.from(reply.Payload ?? []).toString()}`);
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const advertisedHost = process.env.KAFKA_ADVERTISED_HOST ?? SIDECAR_HOST;
  await assertResolvesHere(advertisedHost);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  const broker = await startBroker({
    port: portOf('kafka'),
    host: '0.0.0.0',
    advertisedHost,
    dataDir: process.env.KAFKA_DATA_DIR ?? join(ROOT, '.data', 'localstack', 'kafka'),
  });
  stops.push(broker.stop);
  console.log(`Kafka broker on 0.0.0.0:${broker.port}, advertised as ${advertisedHost}:${broker.port}`);
  console.log(`Waiting for a deploy to write ${outputsFile} (npm run deploy:localstack)…`);
  let outputs: StackOutputs | undefined;
  while (!(outputs = deployedSince(started))) await new Promise((r) => setTimeout(r, 1000));

  const table = outputValue(outputs, 'BillingAccountsTable');
  const ledger = outputValue(outputs, 'BillingTransactionsTable');
  if (table && ledger) {
    const billing = await startBilling(
      portOf('billing'),
      {
        [tableEnvVar('billing-accounts')]: table,
        [tableEnvVar('billing-transactions')]: ledger,
        DYNAMODB_ENDPOINT: endpoint,
        BILLING_HOST: '0.0.0.0',
        ...aws,
      },
      false,
    );
    stops.push(billing.stop);
    console.log(`Billing gRPC on 0.0.0.0:${portOf('billing')}, tables ${table} and ${ledger} at ${endpoint}.`);
  }
  const consumer = outputValue(outputs, 'AnalyticsConsumerFunction');
  if (consumer) {
    // One poller per Kafka source of the consumer's definition, each with its consumer group, as its event source mappings would be.
    const { trigger } = functions['analytics-consumer'];
    for (const source of trigger.kind === 'kafka' ? trigger.sources : []) {
      const feed = await startKafkaPoller({
        brokers: [`127.0.0.1:${broker.port}`],
        topic: source.topic,
        groupId: source.groupId,
        handler: invoker(consumer),
        batchSize: source.batchSize,
        batchWindowMs: source.batchWindowMs,
        log: (message, details) =>
          console.warn(JSON.stringify({ source: 'analytics-feed', topic: source.topic, message, ...details })),
      });
      stops.push(feed.stop);
      console.log(`Topic ${source.topic} → ${consumer} (this plan has no Kafka event source mapping).`);
    }
  }
  console.log('Ctrl-C stops them.');
}

main().catch((error: Error) => {
  console.error(`Could not start the LocalStack sidecars: ${error.message}`);
  process.exit(1);
});
