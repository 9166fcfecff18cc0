/** FindCoordinator (key 10), v0–2: this node coordinates every group (and transactional id). */
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { withThrottle, type Handler } from './context';

export const findCoordinator: Handler = (body, header, broker) => {
  const version = header.apiVersion;
  body.string(); // key
  if (version >= 1) body.int8(); // key_type
  const writer = withThrottle(new Writer(), version >= 1).int16(ErrorCode.NONE);
  if (version >= 1) writer.nullableString(null);
  return writer.int32(broker.nodeId).string(broker.advertisedHost).int32(broker.port);
};
