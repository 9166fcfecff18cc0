/** Fetch v4 at the wire: the batch holding the offset, out-of-range offsets, and a long-poll woken by an append. */
import type { Broker } from '../../../local/broker';
import { Reader } from '../../../local/broker/protocol/reader';
import { Writer } from '../../../local/broker/protocol/writer';
import { batchHeader } from '../../../local/broker/storage/record-batch';
import {
  exchange,
  produceBody,
  produceResult,
  recordBatch,
  requestFrame,
  startTestBroker,
  tempDataDir,
} from './support';

jest.setTimeout(60_000);

let broker: Broker;
const dataDir = tempDataDir();

beforeAll(async () => {
  broker = await startTestBroker(dataDir.path, { defaultPartitions: 1 });
  // A Metadata v4 request for the topic auto-creates it.
  const metadata = new Writer()
    .array(['fetched'], (w, name) => w.string(name))
    .boolean(true)
    .toBuffer();
  expect(await exchange(broker.port, requestFrame(3, 4, 1, metadata))).not.toBe('closed');
});

afterAll(async () => {
  await broker.stop();
  dataDir.remove();
});

function fetchFrame(offset: number, maxWaitMs: number): Buffer {
  const body = new Writer()
    .int32(-1)
    .int32(maxWaitMs)
    .int32(1)
    .int32(1_000_000)
    .int8(0)
    .array(['fetched'], (w, name) =>
      w.string(name).array([0], (pw, index) => pw.int32(index).int64(offset).int32(1_000_000)),
    )
    .toBuffer();
  return requestFrame(1, 4, 7, body);
}

function parseFetch(response: Buffer): { error: number; highWatermark: number; baseOffsets: number[] } {
  const reader = new Reader(response, 4);
  reader.int32(); // throttle
  reader.int32(); // topics
  reader.string();
  reader.int32(); // partitions
  reader.int32(); // index
  const error = reader.int16();
  const highWatermark = reader.int64();
  reader.int64(); // last stable offset
  reader.nullableArray((r) => [r.int64(), r.int64()]);
  const records = reader.bytes();
  const baseOffsets: number[] = [];
  for (let at = 0; at < records.length; at += 12 + records.readInt32BE(at + 8))
    baseOffsets.push(batchHeader.baseOffset(records.subarray(at)));
  return { error, highWatermark, baseOffsets };
}

async function produce(values: string[]): Promise<number> {
  return produceResult(
    (await exchange(broker.port, requestFrame(0, 3, 2, produceBody('fetched', 0, recordBatch(values))))) as Buffer,
  ).baseOffset;
}

it('returns whole batches from the one holding the fetch offset', async () => {
  expect(await produce(['a', 'b', 'c'])).toBe(0);
  expect(await produce(['d'])).toBe(3);
  expect(parseFetch((await exchange(broker.port, fetchFrame(1, 0))) as Buffer)).toEqual({
    error: 0,
    highWatermark: 4,
    baseOffsets: [0, 3],
  });
  expect(parseFetch((await exchange(broker.port, fetchFrame(3, 0))) as Buffer)).toEqual({
    error: 0,
    highWatermark: 4,
    baseOffsets: [3],
  });
});

it('answers OFFSET_OUT_OF_RANGE beyond the high watermark', async () => {
  expect(parseFetch((await exchange(broker.port, fetchFrame(99, 0))) as Buffer)).toMatchObject({
    error: 1,
    baseOffsets: [],
  });
});

it('a long-poll at the log end is answered by the next append, not by its max wait', async () => {
  // max_wait is far beyond this test's own timeout: only the wake-up on append can answer in time.
  const pending = exchange(broker.port, fetchFrame(4, 600_000));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await produce(['e'])).toBe(4);
  expect(parseFetch((await pending) as Buffer)).toEqual({ error: 0, highWatermark: 5, baseOffsets: [4] });
});
