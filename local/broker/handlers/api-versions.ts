/** ApiVersions (key 18), v0–2. Requests of v3+ (librdkafka's first try) are answered by `unsupportedApiVersions`. */
import { SUPPORTED_VERSIONS } from '../protocol/api-keys';
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import type { Handler } from './context';

function body(error: ErrorCode, withThrottle: boolean): Writer {
  const writer = new Writer()
    .int16(error)
    .array(SUPPORTED_VERSIONS, (w, range) => w.int16(range.apiKey).int16(range.min).int16(range.max));
  return withThrottle ? writer.int32(0) : writer;
}

export const apiVersions: Handler = (_body, header) => body(ErrorCode.NONE, header.apiVersion >= 1);

/** Kafka's rule: an ApiVersions version it cannot parse is answered in the v0 format with UNSUPPORTED_VERSION, so the client retries lower. */
export function unsupportedApiVersions(): Writer {
  return body(ErrorCode.UNSUPPORTED_VERSION, false);
}
