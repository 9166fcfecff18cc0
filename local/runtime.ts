/**
 * The whole system on one machine: DynamoDB Local, the Kafka-protocol broker, the billing server (the
 * container's own entry point), the functions (the same esbuild bundles CDK deploys), the stream and
 * Kafka pollers standing in for Lambda event source mappings, and the local API gateway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tableEnvVar, tables, type TableName } from '../infra/definitions/tables';
import { ensureTables, localDynamoClient, startDynamoLocal } from './dynamo';
import { bundleFunctions, loadFunctions } from './functions';
import { startGateway } from './gateway/server';
import { assertPortFree, freePort, portOf, type Component } from './ports';
import { killLeftovers, recordChildren } from './leftovers';
import { startBroker } from './broker';
import { startStreamPoller } from './pollers/stream-poller';
import { startKafkaPoller } from './pollers/kafka-poller';
import { dashboardPage } from './dashboard';
import { mailboxPage } from './mailbox';
import { ensureWebBuild, webAppHandler } from './web-app';
import { ANALYTICS_EVENT_SOURCE, BILLING_EVENT_SOURCE } from '../functions/analytics/event-source';
import { TOKEN_CHECK_VARIABLE } from '../infra/definitions/routes';
import { CORS_ORIGINS_VARIABLE, corsOrigins } from '../infra/definitions/cors';
import { Kafka, logLevel } from 'kafkajs';
import { stopChild } from './child-process';
import { preparePrivateDataDir } from './private-data';

const ROOT = resolve(__dirname, '..');

export interface RuntimeOptions {
  dataDir?: string;
  /** Start empty: delete the data folder first. */
  fresh?: boolean;
  /** Bind every component to a free port instead of the configured ones (tests). */
  ephemeralPorts?: boolean;
  quiet?: boolean;
  /** Seed the demo admin and demo patients (local only, never deployed). */
  seed?: boolean;
  log?: (line: string) => void;
}

export interface Runtime {
  urls: { api: string; dashboard: string; dynamodb: string; kafka: string; billing: string };
  ports: Record<Component, number>;
  stop(): Promise<void>;
}

type Stopper = { name: string; stop: () => Promise<void> };

/**
 * Starts every component, each listening on 127.0.0.1 only. Sets this process's umask to 077: what the
 * runtime and its children (the DynamoDB JVM, billing, esbuild) write is readable by the owner only.
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  process.umask(0o077);
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir ?? process.env.DATA_DIR ?? join(ROOT, '.data'));
  const stoppers: Stopper[] = [];
  const stopAll = async () => {
    for (const { stop } of stoppers.reverse()) await stop().catch(() => undefined);
    stoppers.length = 0;
  };
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    log(`  ✓ ${name.padEnd(34)} ${String(Date.now() - started).padStart(5)} ms`);
    return result;
  };

  try {
    await killLeftovers(dataDir);
    if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
    preparePrivateDataDir(dataDir);

    // The web app builds (a child process, when its sources changed) while the other components start.
    const webBuild = ensureWebBuild();
    webBuild.catch(() => undefined); // awaited below; a failure then stops the start like any other step
    const ports = {} as Record<Component, number>;
    for (const component of ['api', 'billing', 'kafka', 'dynamodb'] as Component[]) {
      ports[component] = options.ephemeralPorts ? await freePort() : portOf(component);
      await assertPortFree(component, ports[component]);
    }

    const dynamo = await step(`DynamoDB Local on :${ports.dynamodb}`, () =>
      startDynamoLocal({ port: ports.dynamodb, dataDir: join(dataDir, 'dynamodb') }));
    stoppers.push({ name: 'dynamodb', stop: dynamo.stop });

    const tableNames = await step('tables from infra/definitions', async () => {
      const client = localDynamoClient(dynamo.endpoint);
      try { return await ensureTables(client); } finally { client.destroy(); }
    });

    const { ensureLocalSigningKeys } = await import('../functions/auth/local-keys');
    const { ensureLocalCursorKey } = await import('../functions/patients/local-cursor-key');
    const keys = await step('signing and cursor keys', async () => ({
      ...await ensureLocalSigningKeys(join(dataDir, 'keys')),
      cursorKey: process.env.CURSOR_KEY || await ensureLocalCursorKey(join(dataDir, 'keys')),
    }));

    const broker = await step(`Kafka broker on :${ports.kafka}`, () =>
      startBroker({ port: ports.kafka, dataDir: join(dataDir, 'kafka') }));
    stoppers.push({ name: 'kafka', stop: broker.stop });
    await step(`topics ${ANALYTICS_EVENT_SOURCE.topic}, ${BILLING_EVENT_SOURCE.topic}`, () => ensureTopic(`127.0.0.1:${broker.port}`));

    const env = functionEnvironment({ dynamoEndpoint: dynamo.endpoint, tableNames, ports, keys, dataDir });
    Object.assign(process.env, env);

    const billing = await step(`billing gRPC on :${ports.billing}`, () => startBilling(ports.billing, env, options.quiet ?? false));
    stoppers.push({ name: 'billing', stop: billing.stop });
    recordChildren(dataDir, [dynamo.process, billing.process]);

    const functionSet = await step('functions (esbuild bundles)', async () =>
      loadFunctions(await bundleFunctions(join(dataDir, 'build'))));

    if (options.seed ?? true) {
      await step('demo admin and patients', async () => {
        const { seedDemoAdmin } = await import('../functions/auth/seed');
        const { seedDemoPatients } = await import('../functions/patients/seed');
        await seedDemoAdmin();
        await seedDemoPatients();
      });
    }

    // The patients stream has two readers, as on AWS, each with its own checkpoint.
    for (const reader of ['publisher', 'pending-billing'] as const) {
      const poller = await step(`patients stream → ${reader}`, async () => startStreamPoller({
        endpoint: dynamo.endpoint, tableName: tableNames.patients, handler: functionSet[reader] as never,
        dataDir: join(dataDir, 'pollers', reader),
      }));
      stoppers.push({ name: `stream-poller (${reader})`, stop: poller.stop });
    }
    // The billing tables' streams are billing's outbox: one reader publishes both to topic "billing".
    for (const table of ['billing-accounts', 'billing-transactions'] as const) {
      const poller = await step(`${table} stream → billing-publisher`, async () => startStreamPoller({
        endpoint: dynamo.endpoint, tableName: tableNames[table], handler: functionSet['billing-publisher'] as never,
        dataDir: join(dataDir, 'pollers', 'billing-publisher'),
      }));
      stoppers.push({ name: `stream-poller (${table})`, stop: poller.stop });
    }

    // One event source mapping per topic, as on AWS, both into the analytics consumer.
    for (const source of [ANALYTICS_EVENT_SOURCE, BILLING_EVENT_SOURCE]) {
      const kafkaPoller = await step(`topic ${source.topic} → analytics`, async () => startKafkaPoller({
        brokers: [`127.0.0.1:${broker.port}`], topic: source.topic, groupId: source.groupId,
        handler: functionSet['analytics-consumer'] as never, batchSize: source.batchSize, batchWindowMs: source.batchWindowMs,
      }));
      stoppers.push({ name: `kafka-poller (${source.topic})`, stop: kafkaPoller.stop });
    }

    await step('web app (built when its sources changed)', () => webBuild);

    // REQUIRE_TOKEN_IN_FUNCTION=true: the LocalStack community shape, no authorizer in the gateway.
    const tokenInFunctions = process.env[TOKEN_CHECK_VARIABLE] === 'true';
    const gateway = await step(`API gateway on :${ports.api}${tokenInFunctions ? ' (token checks in the functions)' : ''}`, () => startGateway({
      port: ports.api, functions: functionSet, authorizer: !tokenInFunctions, corsOrigins: corsOrigins(process.env[CORS_ORIGINS_VARIABLE]),
      pages: {
        '/dashboard': (_req, res) => { res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }); res.end(dashboardPage()); },
        '/_local/mailbox': mailboxPage(env.MAILBOX_FILE!),
      },
      app: webAppHandler(),
      accessLog: options.quiet ? undefined : (line) => console.log(JSON.stringify({ source: 'gateway', ...line })),
    }));
    stoppers.push({ name: 'gateway', stop: gateway.stop });

    const api = `http://127.0.0.1:${gateway.port}`;
    return {
      urls: {
        api, dashboard: `${api}/dashboard`, dynamodb: dynamo.endpoint,
        kafka: `127.0.0.1:${broker.port}`, billing: `127.0.0.1:${ports.billing}`,
      },
      ports,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface EnvironmentInput {
  dynamoEndpoint: string;
  tableNames: Record<TableName, string>;
  ports: Record<Component, number>;
  keys: { signingKeysFile: string; publicJwksFile: string; cursorKey: string };
  dataDir: string;
}

/** What Lambda's environment holds on AWS, pointed at the local stand-ins. */
function functionEnvironment({ dynamoEndpoint, tableNames, ports, keys, dataDir }: EnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'local',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    SIGNING_KEYS_FILE: keys.signingKeysFile,
    PUBLIC_JWKS_FILE: keys.publicJwksFile,
    // Mail the system would send (verification codes) lands here; GET /_local/mailbox serves it.
    MAILBOX_FILE: join(dataDir, 'mailbox.jsonl'),
    BILLING_ADDRESS: `127.0.0.1:${ports.billing}`,
    KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
    KAFKA_AUTH: 'none',
    KAFKA_TOPIC: 'patient',
    CURSOR_KEY: keys.cursorKey, // this data folder's own (keys/cursor-key), unless CURSOR_KEY is set
    POWERTOOLS_METRICS_NAMESPACE: 'PatientManagement',
    [CORS_ORIGINS_VARIABLE]: process.env[CORS_ORIGINS_VARIABLE] ?? '',
    LOCAL_RUNTIME: 'true', // the OpenAPI document then describes the local pages too
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    BILLING_PORT: String(ports.billing),
    BILLING_HOST: '127.0.0.1',
  };
  for (const def of Object.values(tables)) env[tableEnvVar(def.name)] = tableNames[def.name];
  return env;
}

/** Creates topics "patient" and "billing" as the deployment does (CDK custom resource), rather than relying on auto-creation. */
async function ensureTopic(broker: string): Promise<void> {
  const admin = new Kafka({ clientId: 'local-runtime', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [ANALYTICS_EVENT_SOURCE, BILLING_EVENT_SOURCE].map((s) => ({ topic: s.topic, numPartitions: s.partitions })) });
  } finally {
    await admin.disconnect();
  }
}

/** The billing server as its own process, started from the very entry point the container runs. */
export async function startBilling(port: number, env: Record<string, string>, quiet: boolean): Promise<{ process: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'billing/src/main.ts')], {
    cwd: ROOT, env: { ...process.env, ...env, BILLING_PORT: String(port) }, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'pipe'],
    detached: true, // its own process group: Ctrl-C reaches the runtime, which stops billing in order
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); if (!quiet) process.stderr.write(chunk); });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const { billingCheck } = await import('../functions/platform/health');
  const check = billingCheck(`127.0.0.1:${port}`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`billing server exited: ${stderr.trim().split('\n').slice(-2).join(' ')}`);
    try { await check(); break; } catch {
      if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('billing server did not become healthy'); }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    process: child,
    stop: () => stopChild(child, exited),
  };
}
