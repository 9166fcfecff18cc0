/**
 * Fetch (key 1), v4 only (v7+ would need fetch sessions). Returns whole stored batches from the one
 * holding the fetch offset; clients drop the records below it. Long-polls until min_bytes are there,
 * an append arrives, max_wait_ms passes or the connection closes.
 */
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import type { PartitionLog } from '../storage/partition-log';
import type { BrokerState, Handler } from './context';

interface PartitionRequest {
  index: number;
  fetchOffset: number;
  maxBytes: number;
}

interface TopicRequest {
  name: string;
  partitions: PartitionRequest[];
}

interface PartitionAnswer {
  index: number;
  error: ErrorCode;
  highWatermark: number;
  parts: Buffer[];
}

function collect(
  topics: TopicRequest[],
  maxBytes: number,
  broker: BrokerState,
): { answers: { name: string; partitions: PartitionAnswer[] }[]; size: number } {
  let size = 0;
  const answers = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((request): PartitionAnswer => {
      const log = broker.topics.partition(topic.name, request.index);
      if (!log)
        return { index: request.index, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1, parts: [] };
      const highWatermark = log.highWatermark;
      if (request.fetchOffset < 0 || request.fetchOffset > highWatermark)
        return { index: request.index, error: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark, parts: [] };
      // The first batch returned may exceed the limits (so a large batch is never stuck), later ones may not.
      const limit = size === 0 ? request.maxBytes : Math.min(request.maxBytes, maxBytes - size);
      const parts = request.fetchOffset === highWatermark || limit <= 0 ? [] : log.read(request.fetchOffset, limit);
      for (const part of parts) size += part.length;
      return { index: request.index, error: ErrorCode.NONE, highWatermark, parts };
    }),
  }));
  return { answers, size };
}

/** Resolves on the first append to any of `logs`, after `ms`, or when `cancelled` is aborted. */
function waitForAppend(logs: PartitionLog[], ms: number, cancelled: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribes: (() => void)[] = [];
    const done = () => {
      clearTimeout(timer);
      cancelled.removeEventListener('abort', done);
      for (const unsubscribe of unsubscribes) unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, ms);
    cancelled.addEventListener('abort', done);
    for (const log of logs) unsubscribes.push(log.onAppend(done));
  });
}

export const fetch: Handler = async (body, header, broker) => {
  body.int32(); // replica_id
  const maxWaitMs = body.int32();
  const minBytes = body.int32();
  const maxBytes = body.int32();
  body.int8(); // isolation_level: no transactions, so last_stable_offset = high watermark
  const topics = body.array((r): TopicRequest => ({
    name: r.string(),
    partitions: r.array((pr) => ({ index: pr.int32(), fetchOffset: pr.int64(), maxBytes: pr.int32() })),
  }));

  let result = collect(topics, maxBytes, broker);
  if (result.size < minBytes && maxWaitMs > 0 && !header.cancelled.aborted) {
    const logs = topics
      .flatMap((topic) => topic.partitions.map((p) => broker.topics.partition(topic.name, p.index)))
      .filter((log) => log !== undefined);
    await waitForAppend(logs, maxWaitMs, header.cancelled);
    result = collect(topics, maxBytes, broker);
  }

  return new Writer().int32(0).array(result.answers, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, partition) => {
      pw.int32(partition.index).int16(partition.error).int64(partition.highWatermark).int64(partition.highWatermark);
      pw.nullableArray(null, () => undefined); // aborted_transactions
      pw.bytesFromParts(partition.parts);
    });
  });
};
