/**
 * Record batch (magic 2) headers: the broker reads only the fixed 61-byte header and never decodes
 * records, so compressed batches pass through untouched.
 *   0 baseOffset i64 · 8 batchLength i32 · 12 leaderEpoch i32 · 16 magic i8 · 17 crc u32 ·
 *   21 attributes i16 · 23 lastOffsetDelta i32 · 27 firstTimestamp i64 · 35 maxTimestamp i64 ·
 *   43 producerId i64 · 51 producerEpoch i16 · 53 baseSequence i32 · 57 recordCount i32
 */
import { crc32c } from '../crc32c';
import { ErrorCode } from '../protocol/errors';

export const BATCH_HEADER_SIZE = 61;
const LOG_OVERHEAD = 12; // baseOffset + batchLength precede the length-counted part
const CRC_START = 21;

export class InvalidBatches extends Error {}

/** Cuts a records blob into its batches (views, not copies). Throws InvalidBatches on a bad length. */
export function splitBatches(records: Buffer): Buffer[] {
  const batches: Buffer[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH_HEADER_SIZE) throw new InvalidBatches('truncated batch header');
    const size = LOG_OVERHEAD + records.readInt32BE(at + 8);
    if (size < BATCH_HEADER_SIZE || at + size > records.length) throw new InvalidBatches(`bad batch length at ${at}`);
    batches.push(records.subarray(at, at + size));
    at += size;
  }
  return batches;
}

/** NONE, or why the batch must be refused: not magic 2, or a CRC-32C that does not match. */
export function checkBatch(batch: Buffer): ErrorCode {
  if (batch.readInt8(16) !== 2) return ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT;
  if (batch.readUInt32BE(17) !== crc32c(batch, CRC_START)) return ErrorCode.CORRUPT_MESSAGE;
  if (batch.readInt32BE(23) < 0) return ErrorCode.CORRUPT_MESSAGE;
  return ErrorCode.NONE;
}

export const batchHeader = {
  baseOffset: (batch: Buffer): number => Number(batch.readBigInt64BE(0)),
  /** Outside the CRC-covered range, so rewriting it keeps the client's checksum valid. */
  setBaseOffset: (batch: Buffer, offset: number): void => void batch.writeBigInt64BE(BigInt(offset), 0),
  lastOffsetDelta: (batch: Buffer): number => batch.readInt32BE(23),
  maxTimestamp: (batch: Buffer): number => Number(batch.readBigInt64BE(35)),
  producerId: (batch: Buffer): number => Number(batch.readBigInt64BE(43)),
  producerEpoch: (batch: Buffer): number => batch.readInt16BE(51),
  baseSequence: (batch: Buffer): number => batch.readInt32BE(53),
};
