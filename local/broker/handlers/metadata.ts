/** Metadata (key 3), v0–4: this single node leads every partition and is the controller. */
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { isValidTopicName } from '../storage/topic-store';
import { withThrottle, type BrokerState, type Handler } from './context';

export const CLUSTER_ID = 'local-patient-management';

interface TopicAnswer {
  name: string;
  error: ErrorCode;
  partitions: number;
}

function answerFor(name: string, allowAutoCreate: boolean, broker: BrokerState): TopicAnswer {
  const existing = broker.topics.partitions(name);
  if (existing) return { name, error: ErrorCode.NONE, partitions: existing.length };
  if (!isValidTopicName(name)) return { name, error: ErrorCode.INVALID_TOPIC, partitions: 0 };
  if (!allowAutoCreate || !broker.autoCreateTopics)
    return { name, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: 0 };
  const error = broker.topics.create(name, broker.defaultPartitions);
  return { name, error, partitions: error === ErrorCode.NONE ? broker.defaultPartitions : 0 };
}

export const metadata: Handler = (body, header, broker) => {
  const version = header.apiVersion;
  const requested = body.nullableArray((r) => r.string());
  const allowAutoCreate = version >= 4 ? body.boolean() : true;
  // kafkajs asks for "all topics" with an empty list (and v1+ null means all too).
  const names = requested === null || requested.length === 0 ? broker.topics.names() : [...new Set(requested)];
  const topics = names.map((name) =>
    answerFor(name, allowAutoCreate && requested !== null && requested.length > 0, broker),
  );

  const writer = withThrottle(new Writer(), version >= 3);
  writer.array([broker.nodeId], (w, nodeId) => {
    w.int32(nodeId).string(broker.advertisedHost).int32(broker.port);
    if (version >= 1) w.nullableString(null); // rack
  });
  if (version >= 2) writer.nullableString(CLUSTER_ID);
  if (version >= 1) writer.int32(broker.nodeId); // controller_id: kafkajs needs it to equal a broker's node id
  writer.array(topics, (w, topic) => {
    w.int16(topic.error).string(topic.name);
    if (version >= 1) w.boolean(false); // is_internal
    w.array(
      Array.from({ length: topic.partitions }, (_, index) => index),
      (pw, index) => {
        pw.int16(ErrorCode.NONE).int32(index).int32(broker.nodeId);
        pw.array([broker.nodeId], (rw, id) => rw.int32(id)); // replicas
        pw.array([broker.nodeId], (rw, id) => rw.int32(id)); // in-sync replicas
      },
    );
  });
  return writer;
};
