/** ListOffsets (key 2), v1–2: latest (-1) is the high watermark, earliest (-2) is 0 (nothing is deleted). */
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { withThrottle, type BrokerState, type Handler } from './context';

const LATEST = -1;
const EARLIEST = -2;

function lookup(
  broker: BrokerState,
  topic: string,
  index: number,
  timestamp: number,
): { error: ErrorCode; offset: number } {
  const log = broker.topics.partition(topic, index);
  if (!log) return { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, offset: -1 };
  if (timestamp === LATEST) return { error: ErrorCode.NONE, offset: log.highWatermark };
  if (timestamp === EARLIEST) return { error: ErrorCode.NONE, offset: 0 };
  return { error: ErrorCode.NONE, offset: log.offsetForTimestamp(timestamp) };
}

export const listOffsets: Handler = (body, header, broker) => {
  const version = header.apiVersion;
  body.int32(); // replica_id
  if (version >= 2) body.int8(); // isolation_level: no transactions, so both levels read the same
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((pr) => ({ index: pr.int32(), timestamp: pr.int64() })),
  }));
  return withThrottle(new Writer(), version >= 2).array(topics, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, partition) => {
      const { error, offset } = lookup(broker, topic.name, partition.index, partition.timestamp);
      pw.int32(partition.index).int16(error).int64(-1).int64(offset);
    });
  });
};
