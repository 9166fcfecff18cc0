/**
 * Produce (key 0), v3–7: batches are checked (magic 2, CRC-32C) and stored as received, only their
 * baseOffset rewritten. A retried idempotent batch gets its original offset and is not stored again.
 */
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { checkBatch, InvalidBatches, splitBatches } from '../storage/record-batch';
import type { BrokerState, Handler } from './context';

interface PartitionResult {
  index: number;
  error: ErrorCode;
  baseOffset: number;
}

function appendTo(broker: BrokerState, topic: string, index: number, records: Buffer | null): PartitionResult {
  const log = broker.topics.partition(topic, index);
  if (!log) return { index, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1 };
  if (records === null || records.length === 0) return { index, error: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 };
  let batches: Buffer[];
  try {
    batches = splitBatches(records);
  } catch (error) {
    if (error instanceof InvalidBatches) return { index, error: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 };
    throw error;
  }
  for (const batch of batches) {
    const error = checkBatch(batch);
    if (error !== ErrorCode.NONE) return { index, error, baseOffset: -1 };
  }
  return { index, error: ErrorCode.NONE, baseOffset: log.append(batches) };
}

export const produce: Handler = (body, header, broker) => {
  body.nullableString(); // transactional_id: transactions are not supported, idempotence is
  const acks = body.int16();
  body.int32(); // timeout_ms: writes complete at once
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((pr) => ({ index: pr.int32(), records: pr.nullableBytes() })),
  }));
  const results = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((partition) => appendTo(broker, topic.name, partition.index, partition.records)),
  }));
  if (acks === 0) return null;

  const writer = new Writer().array(results, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, partition) => {
      pw.int32(partition.index).int16(partition.error).int64(partition.baseOffset).int64(-1); // log_append_time: CreateTime topics
      if (header.apiVersion >= 5) pw.int64(0); // log_start_offset: nothing is ever deleted
    });
  });
  return writer.int32(0); // throttle_time_ms
};
