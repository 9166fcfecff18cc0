/**
 * One client connection: frames in, requests answered one at a time and in order (as Kafka does),
 * responses out. Anything that cannot be parsed closes this connection only, never the broker.
 */
import type { Socket } from 'node:net';
import { isKnownApi, isSupported, ApiKey } from './protocol/api-keys';
import { FrameDecoder } from './protocol/frame-decoder';
import { MalformedRequest, Reader } from './protocol/reader';
import { Writer } from './protocol/writer';
import { unsupportedApiVersions } from './handlers/api-versions';
import type { BrokerState, RequestHeader } from './handlers/context';
import { HANDLERS } from './handlers/index';

export type BrokerLog = (event: string, details?: Record<string, unknown>) => void;

/** Kafka's socket.request.max.bytes default. */
export const MAX_FRAME_BYTES = 100 * 1024 * 1024;
/** Stop reading from a client that pipelines more than this many requests ahead. */
const MAX_QUEUED = 64;

class ProtocolViolation extends Error {}

async function answer(
  frame: Buffer,
  broker: BrokerState,
  clientHost: string,
  cancelled: AbortSignal,
): Promise<{ correlationId: number; body: Writer | null }> {
  if (frame.length < 8) throw new ProtocolViolation(`request header too short (${frame.length} bytes)`);
  const apiKey = frame.readInt16BE(0);
  const apiVersion = frame.readInt16BE(2);
  const correlationId = frame.readInt32BE(4);
  // librdkafka opens with ApiVersions v3 (flexible header); the answer is v0 so it retries lower.
  if (apiKey === ApiKey.ApiVersions && apiVersion > 2) return { correlationId, body: unsupportedApiVersions() };
  if (!isKnownApi(apiKey)) throw new ProtocolViolation(`unknown api key ${apiKey}`);
  if (!isSupported(apiKey, apiVersion))
    throw new ProtocolViolation(`api key ${apiKey} version ${apiVersion} not supported`);
  const reader = new Reader(frame, 8);
  const header: RequestHeader = {
    apiKey,
    apiVersion,
    correlationId,
    clientId: reader.nullableString(),
    clientHost,
    cancelled,
  };
  const handler = HANDLERS.get(apiKey)!;
  return { correlationId, body: await handler(reader, header, broker) };
}

export function serveConnection(socket: Socket, broker: BrokerState, log: BrokerLog): void {
  const decoder = new FrameDecoder(MAX_FRAME_BYTES);
  const queue: Buffer[] = [];
  let busy = false;
  const remote = `${socket.remoteAddress}:${socket.remotePort}`;
  const clientHost = `/${socket.remoteAddress ?? ''}`;
  const closed = new AbortController();

  const close = (reason: string, error?: unknown) => {
    if (socket.destroyed) return;
    log('connection closed by broker', { remote, reason, error: error instanceof Error ? error.message : undefined });
    socket.destroy();
  };

  const send = (correlationId: number, body: Writer) => {
    const chunks = body.toChunks();
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(body.length + 4, 0);
    head.writeInt32BE(correlationId, 4);
    socket.cork();
    socket.write(head);
    for (const chunk of chunks) socket.write(chunk);
    socket.uncork();
  };

  const drain = async () => {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0 && !socket.destroyed) {
        if (queue.length < MAX_QUEUED / 2) socket.resume();
        const frame = queue.shift()!;
        try {
          const { correlationId, body } = await answer(frame, broker, clientHost, closed.signal);
          if (body !== null && !socket.destroyed) send(correlationId, body);
        } catch (error) {
          const expected =
            error instanceof ProtocolViolation || error instanceof MalformedRequest || error instanceof RangeError;
          if (!expected) log('request failed', { remote, error: error instanceof Error ? error.stack : String(error) });
          close(expected ? 'malformed request' : 'internal error', error);
        }
      }
    } finally {
      busy = false;
    }
  };

  socket.setNoDelay(true);
  socket.on('close', () => closed.abort());
  socket.on('error', (error) => log('connection error', { remote, error: error.message }));
  socket.on('data', (chunk: Buffer) => {
    try {
      for (const frame of decoder.push(chunk)) queue.push(frame);
    } catch (error) {
      close('bad frame', error);
      return;
    }
    if (queue.length >= MAX_QUEUED) socket.pause();
    void drain();
  });
}
