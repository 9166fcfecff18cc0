/** OffsetCommit (key 8, v2–3) and OffsetFetch (key 9, v1–3). Unknown offsets read as -1. */
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { withThrottle, type Handler } from './context';

export const offsetCommit: Handler = (body, header, broker) => {
  const groupId = body.string();
  const generation = body.int32();
  const memberId = body.string();
  body.int64(); // retention_time_ms: offsets are kept for ever here
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((pr) => ({ index: pr.int32(), offset: pr.int64(), metadata: pr.nullableString() })),
  }));
  const group = broker.groups.existing(groupId);
  const outsider = generation === -1 && memberId === '';
  const groupError = group
    ? group.canCommit(generation, memberId)
    : outsider
      ? ErrorCode.NONE
      : ErrorCode.UNKNOWN_MEMBER_ID;

  return withThrottle(new Writer(), header.apiVersion >= 3).array(topics, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, partition) => {
      let error: ErrorCode = groupError;
      if (error === ErrorCode.NONE && groupId === '') error = ErrorCode.INVALID_GROUP_ID;
      if (error === ErrorCode.NONE && !broker.topics.partition(topic.name, partition.index))
        error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (error === ErrorCode.NONE)
        broker.offsets.commit(groupId, topic.name, partition.index, {
          offset: partition.offset,
          metadata: partition.metadata,
        });
      pw.int32(partition.index).int16(error);
    });
  });
};

export const offsetFetch: Handler = (body, header, broker) => {
  const version = header.apiVersion;
  const groupId = body.string();
  const requested = body.nullableArray((r) => ({ name: r.string(), partitions: r.array((pr) => pr.int32()) }));
  // v2+: a null topic list asks for every committed offset of the group.
  const topics = requested ?? [...broker.offsets.topicsOf(groupId)].map(([name, partitions]) => ({ name, partitions }));

  const writer = withThrottle(new Writer(), version >= 3).array(topics, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, index) => {
      const committed = broker.offsets.fetch(groupId, topic.name, index);
      pw.int32(index)
        .int64(committed?.offset ?? -1)
        .nullableString(committed?.metadata ?? '')
        .int16(ErrorCode.NONE);
    });
  });
  if (version >= 2) writer.int16(ErrorCode.NONE);
  return writer;
};
