/**
 * Local stand-in for the DynamoDB Streams event source mapping: reads the table's stream from
 * DynamoDB Local, invokes the handler with the real DynamoDBStreamEvent shape, and only moves on
 * (checkpointing the sequence number on disk) when the batch succeeded. A failed batch is retried;
 * a reported batch item failure resumes from that record, as Lambda does with ReportBatchItemFailures.
 * With filters (the trigger's, system/functions.ts), only matching records reach the handler; the others are
 * checkpointed without an invocation, as Lambda's filter criteria do.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { FilterPattern } from '../../system/functions';
import { retryUntilDone, sleep } from './retry';
import { passesFilters } from './stream-filter';
import { writeFileAtomic } from '../../functions/commons/atomic-file';

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  dataDir: string;
  batchSize?: number;
  /** Only records matching one of these reach the handler (none: every record). */
  filters?: readonly FilterPattern[];
  pollIntervalMs?: number;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const SHARDS_REFRESH_MS = 30_000;

export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: d.ApproximateCreationDateTime
        ? Math.floor(new Date(d.ApproximateCreationDateTime).getTime() / 1000)
        : undefined,
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      OldImage: d.OldImage as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as never,
    },
  };
}

export async function startStreamPoller(options: StreamPollerOptions): Promise<{ stop: () => Promise<void> }> {
  const batchSize = options.batchSize ?? 100;
  // Lambda polls a DynamoDB stream shard four times a second; so does this stand-in (two readers share the machine).
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const log = options.log ?? (() => undefined);
  const region = 'local';
  const dynamo = new DynamoDBClient({ endpoint: options.endpoint, region, credentials });
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region, credentials });
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamo.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);

  mkdirSync(options.dataDir, { recursive: true });
  const checkpointFile = join(options.dataDir, `stream-${options.tableName}.json`);
  // The checkpoint belongs to one stream: a fresh table has a new stream and starts from its beginning.
  const saved = existsSync(checkpointFile)
    ? (JSON.parse(readFileSync(checkpointFile, 'utf8')) as { streamArn: string; shards: Record<string, string> })
    : undefined;
  const checkpoints: Record<string, string> = saved?.streamArn === streamArn ? saved.shards : {};
  const finished = new Set<string>(
    Object.entries(checkpoints)
      .filter(([, v]) => v === 'FINISHED')
      .map(([k]) => k),
  );
  const save = () => writeFileAtomic(checkpointFile, JSON.stringify({ streamArn, shards: checkpoints }));

  let running = true;
  const iterators = new Map<string, string>();

  async function iteratorFor(shard: Shard): Promise<string | undefined> {
    const id = shard.ShardId!;
    const after = checkpoints[id];
    try {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: id,
          ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
          SequenceNumber: after,
        }),
      );
      return ShardIterator;
    } catch (error) {
      if (!after) throw error;
      log('checkpoint no longer in the stream; reading the shard from its start', { shard: id });
      delete checkpoints[id];
      return iteratorFor(shard);
    }
  }

  /** Invokes until the handler has taken every record; returns once they are all done. */
  async function deliver(records: StreamRecord[]): Promise<void> {
    let remaining = records.filter((r) => passesFilters(options.filters, toLambdaRecord(r, streamArn!)));
    while (running && remaining.length > 0) {
      const event: DynamoDBStreamEvent = { Records: remaining.map((r) => toLambdaRecord(r, streamArn!)) };
      const response = await retryUntilDone(
        () => options.handler(event),
        () => running,
        (error, attempt) => log('handler failed; retrying the batch', { attempt, errorName: (error as Error)?.name }),
      );
      if (!running) return;
      const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
      if (!failed) return;
      const index = remaining.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
      if (index > 0) checkpoint(remaining[index - 1]!);
      remaining = index >= 0 ? remaining.slice(index) : remaining;
      await sleep(500);
    }
  }

  let currentShard = '';
  function checkpoint(record: StreamRecord): void {
    checkpoints[currentShard] = record.dynamodb!.SequenceNumber!;
    save();
  }

  async function pollShard(shard: Shard): Promise<boolean> {
    const id = shard.ShardId!;
    currentShard = id;
    const iterator = iterators.get(id) ?? (await iteratorFor(shard));
    if (!iterator) return false;
    const { Records = [], NextShardIterator } = await streams.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }),
    );
    if (Records.length > 0) {
      await deliver(Records);
      if (!running) return false;
      checkpoint(Records.at(-1)!);
    }
    if (NextShardIterator) iterators.set(id, NextShardIterator);
    else {
      iterators.delete(id);
      known = undefined; // a closed shard has children to find
      finished.add(id);
      checkpoints[id] = 'FINISHED';
      save();
    }
    return Records.length > 0;
  }

  /**
   * The open shards, described again only when one of them closes (its children appear then), after an error, and
   * every SHARDS_REFRESH_MS as a safety net: describing on every poll doubled the idle load on DynamoDB Local.
   */
  let known: { shards: Shard[]; at: number } | undefined;
  async function openShards(): Promise<Shard[]> {
    if (!known || Date.now() - known.at > SHARDS_REFRESH_MS) {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      known = { shards: StreamDescription?.Shards ?? [], at: Date.now() };
    }
    return known.shards.filter((s) => !finished.has(s.ShardId!));
  }

  async function loop(): Promise<void> {
    while (running) {
      let busy = false;
      try {
        // Parents before children, as the stream orders them: a child's records come after its parent's.
        const shards = await openShards();
        for (const shard of shards) {
          if (
            shard.ParentShardId &&
            !finished.has(shard.ParentShardId) &&
            shards.some((s) => s.ShardId === shard.ParentShardId)
          )
            continue;
          while (running && (await pollShard(shard))) busy = true;
        }
      } catch (error) {
        iterators.clear(); // expired or invalid iterators are fetched again from the checkpoint
        known = undefined;
        log('stream poll failed', { errorName: (error as Error)?.name });
        await sleep(1000);
      }
      if (!busy) await sleep(pollIntervalMs);
    }
  }

  const done = loop();
  return {
    async stop() {
      running = false;
      await done;
      streams.destroy();
    },
  };
}
