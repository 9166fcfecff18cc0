/** InitProducerId (key 22), v0–1: a fresh producer id for idempotent producers (epoch 0). */
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import type { Handler } from './context';

export const initProducerId: Handler = (body, _header, broker) => {
  body.nullableString(); // transactional_id
  body.int32(); // transaction_timeout_ms
  return new Writer().int32(0).int16(ErrorCode.NONE).int64(broker.nextProducerId()).int16(0);
};
