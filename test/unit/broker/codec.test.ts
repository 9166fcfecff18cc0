/** The wire codec: CRC-32C, primitive reader/writer, and frame splitting. */
import { crc32c } from '../../../local/broker/crc32c';
import { FrameDecoder, FrameTooLarge } from '../../../local/broker/protocol/frame-decoder';
import { MalformedRequest, Reader } from '../../../local/broker/protocol/reader';
import { Writer } from '../../../local/broker/protocol/writer';

function crc32cBitwise(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the Castagnoli check value and the bitwise definition', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    const data = Buffer.from(Array.from({ length: 1031 }, (_, i) => (i * 31 + 7) % 256));
    expect(crc32c(data)).toBe(crc32cBitwise(data));
    expect(crc32c(data, 21)).toBe(crc32cBitwise(data.subarray(21)));
  });
});

describe('Writer and Reader', () => {
  it('round-trip every primitive, including nulls and large byte blocks', () => {
    const big = Buffer.alloc(5000, 7);
    const bytes = new Writer()
      .int8(-5)
      .boolean(true)
      .int16(-300)
      .int32(123456789)
      .int64(2 ** 40 + 3)
      .string('héllo')
      .nullableString(null)
      .bytes(Buffer.from([1, 2]))
      .nullableBytes(null)
      .bytes(big)
      .array([1, 2, 3], (w, n) => w.int32(n))
      .nullableArray(null, () => undefined)
      .bytesFromParts([Buffer.from([9]), big])
      .toBuffer();
    const reader = new Reader(bytes);
    expect([reader.int8(), reader.boolean(), reader.int16(), reader.int32(), reader.int64()]).toEqual([
      -5,
      true,
      -300,
      123456789,
      2 ** 40 + 3,
    ]);
    expect([reader.string(), reader.nullableString()]).toEqual(['héllo', null]);
    expect([...reader.bytes()]).toEqual([1, 2]);
    expect(reader.nullableBytes()).toBeNull();
    expect(reader.bytes().equals(big)).toBe(true);
    expect(reader.array((r) => r.int32())).toEqual([1, 2, 3]);
    expect(reader.nullableArray((r) => r.int32())).toBeNull();
    expect(reader.bytes().equals(Buffer.concat([Buffer.from([9]), big]))).toBe(true);
    expect(reader.remaining).toBe(0);
  });

  it('refuse to read past the end or impossible lengths', () => {
    expect(() => new Reader(Buffer.from([0, 1])).int32()).toThrow(MalformedRequest);
    expect(() => new Reader(Buffer.from([0, 9, 65])).string()).toThrow(MalformedRequest);
    expect(() => new Reader(Buffer.from([0, 0, 1, 0])).array((r) => r.int8())).toThrow(MalformedRequest);
    expect(() => new Reader(Buffer.from([0xff, 0xff])).string()).toThrow(MalformedRequest);
  });
});

describe('FrameDecoder', () => {
  const frame = (payload: number[]) => Buffer.from([0, 0, 0, payload.length, ...payload]);

  it('joins a frame split over chunks and splits frames sharing a chunk', () => {
    const decoder = new FrameDecoder(1000);
    const stream = Buffer.concat([frame([1, 2, 3]), frame([]), frame([4, 5])]);
    const frames = [stream.subarray(0, 2), stream.subarray(2, 6), stream.subarray(6, 12), stream.subarray(12)].flatMap(
      (chunk) => decoder.push(chunk),
    );
    expect(frames.map((f) => [...f])).toEqual([[1, 2, 3], [], [4, 5]]);
  });

  it('refuses frames over the limit or with a negative size', () => {
    expect(() => new FrameDecoder(10).push(frame(Array.from({ length: 11 }, () => 0)))).toThrow(FrameTooLarge);
    expect(() => new FrameDecoder(10).push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(FrameTooLarge);
  });
});
