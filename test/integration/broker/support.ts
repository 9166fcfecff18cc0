/** Shared set-up for the broker conformance tests: a broker on a free port, kafkajs clients, kcat, raw frames. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type Broker, type BrokerOptions } from '../../../local/broker';
import { crc32c } from '../../../local/broker/crc32c';
import { Writer } from '../../../local/broker/protocol/writer';

export function tempDataDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'broker-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function startTestBroker(dataDir: string, options: Partial<BrokerOptions> = {}): Promise<Broker> {
  return startBroker({ port: 0, dataDir, ...options });
}

export function kafkaFor(broker: Broker, clientId = 'broker-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [`${broker.host}:${broker.port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
}

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs Debian's kcat; rejects (so the test fails) when kcat is not installed. */
export function kcat(args: string[], input?: string, limitMs = 30_000): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`kcat could not run (${error.message}); install it with apt-get install -y kcat`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** A request frame: size, header v1 (key, version, correlation id, client id), body. */
export function requestFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: Buffer = Buffer.alloc(0),
): Buffer {
  const payload = new Writer()
    .int16(apiKey)
    .int16(apiVersion)
    .int32(correlationId)
    .nullableString('raw-test')
    .raw(body)
    .toBuffer();
  return Buffer.concat([new Writer().int32(payload.length).toBuffer(), payload]);
}

/** Sends bytes on a fresh connection; resolves with the first response payload, or 'closed' if the broker hangs up. */
export function exchange(port: number, bytes: Buffer): Promise<Buffer | 'closed'> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no response and no close'));
    }, 10_000);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received.subarray(4, 4 + received.readInt32BE(0)));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

function varint(value: number): number[] {
  let zigzag = (value << 1) ^ (value >> 31);
  const bytes: number[] = [];
  while ((zigzag & ~0x7f) !== 0) {
    bytes.push((zigzag & 0x7f) | 0x80);
    zigzag >>>= 7;
  }
  bytes.push(zigzag);
  return bytes;
}

/** A magic-2 record batch of uncompressed values, built by hand so tests can corrupt or repeat it. */
export function recordBatch(values: string[], producer = { id: -1, epoch: -1, baseSequence: -1 }): Buffer {
  const records = values.map((value, index) => {
    const valueBytes = [...Buffer.from(value)];
    const body = [
      0,
      ...varint(0),
      ...varint(index),
      ...varint(-1),
      ...varint(valueBytes.length),
      ...valueBytes,
      ...varint(0),
    ];
    return Buffer.from([...varint(body.length), ...body]);
  });
  const now = Date.now();
  const afterCrc = new Writer()
    .int16(0) // attributes
    .int32(values.length - 1) // lastOffsetDelta
    .int64(now)
    .int64(now)
    .int64(producer.id)
    .int16(producer.epoch)
    .int32(producer.baseSequence)
    .int32(values.length)
    .raw(Buffer.concat(records))
    .toBuffer();
  const head = new Writer()
    .int64(0)
    .int32(afterCrc.length + 9)
    .int32(0)
    .int8(2)
    .toBuffer();
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32c(afterCrc));
  return Buffer.concat([head, crc, afterCrc]);
}

/** A Produce v3 body for one partition. */
export function produceBody(topic: string, partition: number, records: Buffer, acks = -1): Buffer {
  return new Writer()
    .nullableString(null)
    .int16(acks)
    .int32(5000)
    .array([topic], (w, name) => w.string(name).array([partition], (pw, index) => pw.int32(index).bytes(records)))
    .toBuffer();
}

/** Error code and base offset of the single partition in a Produce v3 response (after the correlation id). */
export function produceResult(response: Buffer): { error: number; baseOffset: number } {
  let at = 4 + 4; // correlation id, topic count
  at += 2 + response.readInt16BE(at); // topic name
  at += 4 + 4; // partition count, partition index
  return { error: response.readInt16BE(at), baseOffset: Number(response.readBigInt64BE(at + 2)) };
}
