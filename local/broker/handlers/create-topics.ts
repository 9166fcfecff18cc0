/** CreateTopics (key 19), v0–2. The replication factor is accepted and ignored: there is one node. */
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { withThrottle, type Handler } from './context';

export const createTopics: Handler = (body, header, broker) => {
  const version = header.apiVersion;
  const requests = body.array((r) => {
    const name = r.string();
    const numPartitions = r.int32();
    r.int16(); // replication_factor
    const assignments = r.array((ar) => {
      ar.int32();
      return ar.array((br) => br.int32());
    });
    r.array((cr) => [cr.string(), cr.nullableString()]); // configs: none apply here
    return { name, partitions: numPartitions === -1 ? assignments.length || broker.defaultPartitions : numPartitions };
  });
  body.int32(); // timeout_ms
  const validateOnly = version >= 1 ? body.boolean() : false;

  const results = requests.map((request) => {
    const error = validateOnly
      ? broker.topics.validate(request.name, request.partitions)
      : broker.topics.create(request.name, request.partitions);
    return { name: request.name, error };
  });
  return withThrottle(new Writer(), version >= 2).array(results, (w, result) => {
    w.string(result.name).int16(result.error);
    if (version >= 1)
      w.nullableString(
        result.error === ErrorCode.NONE ? null : `topic "${result.name}" not created (error ${result.error})`,
      );
  });
};
