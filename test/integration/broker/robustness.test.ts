/** Garbage, oversized frames, bad CRCs and unknown APIs cost a client its connection or an error code, never the broker. */
import type { Broker } from '../../../local/broker';
import { Writer } from '../../../local/broker/protocol/writer';
import {
  exchange,
  kafkaFor,
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
  broker = await startTestBroker(dataDir.path);
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'raw', numPartitions: 1 }] });
  await admin.disconnect();
});

afterAll(async () => {
  await broker.stop();
  dataDir.remove();
});

async function highWatermark(): Promise<string | undefined> {
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets('raw');
  await admin.disconnect();
  return offsets[0]?.high;
}

describe('connections the broker closes', () => {
  it('a frame of garbage', async () => {
    const garbage = Buffer.from(Array.from({ length: 508 }, (_, i) => (0xab + i * 7919) % 256));
    expect(await exchange(broker.port, Buffer.concat([new Writer().int32(garbage.length).toBuffer(), garbage]))).toBe(
      'closed',
    );
  });

  it('garbage after a valid request: the request is answered, then the connection closed', async () => {
    const valid = requestFrame(18, 0, 5);
    const response = await exchange(
      broker.port,
      Buffer.concat([valid, Buffer.from([0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4])]),
    );
    expect(response).not.toBe('closed');
    expect((response as Buffer).readInt32BE(0)).toBe(5);
  });

  it('a frame larger than the limit', async () => {
    expect(await exchange(broker.port, Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]))).toBe('closed');
  });

  it('a negative frame size', async () => {
    expect(await exchange(broker.port, Buffer.from([0xff, 0xff, 0xff, 0xf0]))).toBe('closed');
  });

  it('an unknown API key', async () => {
    expect(await exchange(broker.port, requestFrame(999, 0, 1))).toBe('closed');
  });

  it('an unsupported version of a known API', async () => {
    expect(await exchange(broker.port, requestFrame(3, 9, 1))).toBe('closed');
  });

  it('a body that ends early (an array claiming more items than there are bytes)', async () => {
    expect(await exchange(broker.port, requestFrame(3, 1, 1, new Writer().int32(1_000_000).toBuffer()))).toBe('closed');
  });

  it('a header shorter than 8 bytes', async () => {
    expect(await exchange(broker.port, Buffer.from([0, 0, 0, 3, 0, 3, 0]))).toBe('closed');
  });
});

describe('requests answered with an error code', () => {
  it('a produce whose batch CRC is wrong gets CORRUPT_MESSAGE and stores nothing', async () => {
    const batch = recordBatch(['tampered']);
    batch.writeUInt8(batch.readUInt8(batch.length - 2) ^ 0xff, batch.length - 2); // a byte inside the CRC-covered records
    const response = await exchange(broker.port, requestFrame(0, 3, 42, produceBody('raw', 0, batch)));
    expect(response).not.toBe('closed');
    expect((response as Buffer).readInt32BE(0)).toBe(42);
    expect(produceResult(response as Buffer).error).toBe(2);
    expect(await highWatermark()).toBe('0');
  });

  it('a produce of a truncated batch gets CORRUPT_MESSAGE', async () => {
    const batch = recordBatch(['short']).subarray(0, 40);
    const response = await exchange(broker.port, requestFrame(0, 3, 43, produceBody('raw', 0, batch)));
    expect(produceResult(response as Buffer).error).toBe(2);
  });

  it('a produce to an unknown partition gets UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const response = await exchange(broker.port, requestFrame(0, 3, 44, produceBody('raw', 7, recordBatch(['x']))));
    expect(produceResult(response as Buffer).error).toBe(3);
  });

  it('a retried idempotent batch gets its first offset back and is stored once', async () => {
    const producer = { id: 777_000, epoch: 0, baseSequence: 0 };
    const body = produceBody('raw', 0, recordBatch(['once-a', 'once-b'], producer));
    const first = produceResult((await exchange(broker.port, requestFrame(0, 3, 50, body))) as Buffer);
    const retry = produceResult(
      (await exchange(
        broker.port,
        requestFrame(0, 3, 51, produceBody('raw', 0, recordBatch(['once-a', 'once-b'], producer))),
      )) as Buffer,
    );
    const next = produceResult(
      (await exchange(
        broker.port,
        requestFrame(0, 3, 52, produceBody('raw', 0, recordBatch(['twice'], { ...producer, baseSequence: 2 }))),
      )) as Buffer,
    );
    expect(first.error).toBe(0);
    expect(retry).toEqual(first);
    expect(next).toEqual({ error: 0, baseOffset: first.baseOffset + 2 });
    expect(await highWatermark()).toBe(String(first.baseOffset + 3));
  });

  it("ApiVersions v3 (librdkafka's first try) gets UNSUPPORTED_VERSION in the v0 format with the supported list", async () => {
    const response = (await exchange(broker.port, requestFrame(18, 3, 9))) as Buffer;
    expect(response.readInt32BE(0)).toBe(9);
    expect(response.readInt16BE(4)).toBe(35);
    const count = response.readInt32BE(6);
    const ranges = Array.from({ length: count }, (_, i) => [
      response.readInt16BE(10 + i * 6),
      response.readInt16BE(12 + i * 6),
      response.readInt16BE(14 + i * 6),
    ]);
    expect(ranges).toContainEqual([0, 3, 7]);
    expect(ranges).toContainEqual([1, 4, 4]);
    expect(response.length).toBe(10 + count * 6);
  });
});

it('still serves a well-behaved client after all that', async () => {
  const kafka = kafkaFor(broker);
  const producer = kafka.producer();
  await producer.connect();
  const [result] = await producer.send({ topic: 'raw', acks: -1, messages: [{ value: 'fine' }] });
  await producer.disconnect();
  expect(result?.errorCode).toBe(0);
  const admin = kafka.admin();
  await admin.connect();
  expect(await admin.listTopics()).toContain('raw');
  await admin.disconnect();
});
