/**
 * The whole system on one machine: DynamoDB Local, the Kafka-protocol broker, the billing server (the
 * container's own entry point), the functions (the same esbuild bundles CDK deploys), the stream and
 * Kafka pollers standing in for Lambda event source mappings, and the local API gateway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureTables, localDynamoClient, startDynamoLocal } from './dynamo';
import { bundleFunctions, startFunctions } from './functions';
import { stop as stopEsbuild } from 'esbuild';
import { functionEnvironment, sharedEnvironment, type LocalResources } from './environment';
import { startGateway } from './gateway/server';
import { assertPortFree, freePort, portOf, type Component } from './ports';
import { killLeftovers, recordChildren } from './leftovers';
import { startBrokerThread } from './broker-thread';
import { startStreamPoller } from './pollers/stream-poller';
import { startKafkaPoller } from './pollers/kafka-poller';
import { dashboardPages } from './dashboard';
import { mailboxPage } from './mailbox';
import { TOPICS } from '../system/events';
import { functionsTriggeredBy, runtimeFunctions } from '../system/functions';
import { asDeployed } from '../system/deployment';
import { TOKEN_CHECK_VARIABLE } from '../system/routes';
import { CORS_ORIGINS_VARIABLE, corsOrigins } from '../system/cors';
import { ensureWebBuild, webAppHandler } from './web-app';
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

    // The deployment's shape: REQUIRE_TOKEN_IN_FUNCTION=true is the LocalStack community one (no authorizer).
    const tokenInFunctions = process.env[TOKEN_CHECK_VARIABLE] === 'true';
    const origins = corsOrigins(process.env[CORS_ORIGINS_VARIABLE]);
    const definitions = runtimeFunctions()
      .map((d) => asDeployed(d, { tokenCheckInFunctions: tokenInFunctions, cors: origins.length > 0 }))
      .filter((d) => !(tokenInFunctions && d.trigger.kind === 'authorizer'));
    const ports = {} as Record<Component, number>;
    for (const component of ['api', 'billing', 'kafka', 'dynamodb'] as Component[]) {
      ports[component] = options.ephemeralPorts ? await freePort() : portOf(component);
      await assertPortFree(component, ports[component]);
    }
    // The functions are bundled while the components start (once the ports are known free: no other runtime's
    // build folder is rewritten under it); that needs no component.
    const bundling = bundleFunctions(definitions, join(dataDir, 'build'));
    bundling.catch(() => undefined); // awaited below, as the web build is

    const dynamo = await step(`DynamoDB Local on :${ports.dynamodb}`, () =>
      startDynamoLocal({ port: ports.dynamodb, dataDir: join(dataDir, 'dynamodb') }),
    );
    stoppers.push({ name: 'dynamodb', stop: dynamo.stop });

    const tableNames = await step('tables from system', async () => {
      const client = localDynamoClient(dynamo.endpoint);
      try {
        return await ensureTables(client);
      } finally {
        client.destroy();
      }
    });

    const { ensureLocalSigningKeys } = await import('../functions/auth/local-keys');
    const { ensureLocalCursorKey } = await import('../functions/patients/local-cursor-key');
    const keys = await step('signing and cursor keys', async () => ({
      ...(await ensureLocalSigningKeys(join(dataDir, 'keys'))),
      cursorKey: process.env.CURSOR_KEY || (await ensureLocalCursorKey(join(dataDir, 'keys'))),
    }));

    const broker = await step(`Kafka broker on :${ports.kafka} (thread)`, () =>
      startBrokerThread({ port: ports.kafka, dataDir: join(dataDir, 'kafka') }, join(dataDir, 'build')),
    );
    stoppers.push({ name: 'kafka', stop: broker.stop });
    await step(`topics ${Object.keys(TOPICS).join(', ')}`, () => ensureTopics(`127.0.0.1:${broker.port}`));

    const resources: LocalResources = {
      dynamoEndpoint: dynamo.endpoint,
      tableNames,
      ports,
      keys,
      dataDir,
      corsOrigins: origins.join(','),
    };
    // This process runs function code too (the demo seed), and billing reads the same names.
    const env = sharedEnvironment(definitions, resources);
    Object.assign(process.env, env);

    const billing = await step(`billing gRPC on :${ports.billing}`, () =>
      startBilling(ports.billing, env, options.quiet ?? false),
    );
    stoppers.push({ name: 'billing', stop: billing.stop });
    recordChildren(dataDir, [dynamo.process, billing.process]);

    const running = await step('functions (esbuild; lazy workers)', async () =>
      startFunctions(definitions, await bundling, (d) => functionEnvironment(d, resources)),
    );
    await stopEsbuild(); // its service process holds ~300 MB; the runtime's builds (functions, broker) are done
    stoppers.push({ name: 'functions', stop: running.stop });
    const functionSet = running.functions;

    if (options.seed ?? true) {
      await step('demo admin and patients', async () => {
        const { seedDemoAdmin } = await import('../functions/auth/seed');
        const { seedDemoPatients } = await import('../functions/patients/seed');
        await seedDemoAdmin();
        await seedDemoPatients();
      });
    }

    // The event source mappings of system/functions.ts: a poller per function and table stream (each its own
    // checkpoint), a poller per Kafka source (each its own consumer group).
    for (const { name, trigger } of functionsTriggeredBy('table-streams')) {
      for (const table of trigger.tables) {
        const poller = await step(`${table} stream → ${name}`, async () =>
          startStreamPoller({
            endpoint: dynamo.endpoint,
            tableName: tableNames[table],
            handler: functionSet[name] as never,
            batchSize: trigger.batchSize,
            filters: trigger.filters,
            dataDir: join(dataDir, 'pollers', name), // a checkpoint file per table
          }),
        );
        stoppers.push({ name: `stream-poller (${table} → ${name})`, stop: poller.stop });
      }
    }
    for (const { name, trigger } of functionsTriggeredBy('kafka')) {
      for (const source of trigger.sources) {
        const kafkaPoller = await step(`topic ${source.topic} → ${name}`, async () =>
          startKafkaPoller({
            brokers: [`127.0.0.1:${broker.port}`],
            topic: source.topic,
            groupId: source.groupId,
            handler: functionSet[name] as never,
            batchSize: source.batchSize,
            batchWindowMs: source.batchWindowMs,
          }),
        );
        stoppers.push({ name: `kafka-poller (${source.topic} → ${name})`, stop: kafkaPoller.stop });
      }
    }

    await step('web app (built when its sources changed)', () => webBuild);

    const gateway = await step(
      `API gateway on :${ports.api}${tokenInFunctions ? ' (token checks in the functions)' : ''}`,
      () =>
        startGateway({
          port: ports.api,
          functions: functionSet,
          authorizer: !tokenInFunctions,
          corsOrigins: origins,
          pages: {
            ...dashboardPages(),
            '/_local/mailbox': mailboxPage(env.MAILBOX_FILE!),
          },
          app: webAppHandler(),
          accessLog: options.quiet ? undefined : (line) => console.log(JSON.stringify({ source: 'gateway', ...line })),
        }),
    );
    stoppers.push({ name: 'gateway', stop: gateway.stop });

    const api = `http://127.0.0.1:${gateway.port}`;
    return {
      urls: {
        api,
        dashboard: `${api}/dashboard`,
        dynamodb: dynamo.endpoint,
        kafka: `127.0.0.1:${broker.port}`,
        billing: `127.0.0.1:${ports.billing}`,
      },
      ports,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Creates topics "patient" and "billing" as the deployment does (CDK custom resource), rather than relying on auto-creation. */
async function ensureTopics(broker: string): Promise<void> {
  const admin = new Kafka({ clientId: 'local-runtime', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: Object.entries(TOPICS).map(([topic, { partitions }]) => ({ topic, numPartitions: partitions })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** The billing server as its own process, started from the very entry point the container runs. */
export async function startBilling(
  port: number,
  env: Record<string, string>,
  quiet: boolean,
): Promise<{ process: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'billing/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, BILLING_PORT: String(port) },
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'pipe'],
    detached: true, // its own process group: Ctrl-C reaches the runtime, which stops billing in order
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
    if (!quiet) process.stderr.write(chunk);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const { billingCheck } = await import('../functions/platform/health');
  const check = billingCheck(`127.0.0.1:${port}`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`billing server exited: ${stderr.trim().split('\n').slice(-2).join(' ')}`);
    try {
      await check();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error('billing server did not become healthy');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    process: child,
    stop: () => stopChild(child, exited),
  };
}
