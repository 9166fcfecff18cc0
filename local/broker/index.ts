/**
 * A single-node broker speaking the Kafka protocol, for running the real kafkajs / librdkafka code
 * paths on one machine (no Kafka can be installed here). The protocol facts it relies on: README.md beside it.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { serveConnection, type BrokerLog } from './connection';
import { GroupCoordinator } from './groups/coordinator';
import type { BrokerState } from './handlers/context';
import { OffsetStore } from './storage/offset-store';
import { TopicStore } from './storage/topic-store';

export interface BrokerOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * The host clients are told to connect to (metadata); default the bound host, or 127.0.0.1 when bound
   * to every interface. Containers reaching a broker on their host need e.g. `host.docker.internal`.
   */
  advertisedHost?: string;
  /** Logs and committed offsets are kept here; in memory only when absent. */
  dataDir?: string;
  /** Partitions of auto-created topics; default 3. */
  defaultPartitions?: number;
  /** Create unknown topics when a client asks for their metadata; default true. */
  autoCreateTopics?: boolean;
  /** Receives connection-level events (closed connections, failed requests). By default only failed requests (broker bugs) reach stderr. */
  log?: BrokerLog;
}

export interface Broker {
  port: number;
  host: string;
  stop: () => Promise<void>;
}

const NODE_ID = 1;

export async function startBroker(options: BrokerOptions): Promise<Broker> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ?? null;
  if (dataDir !== null) mkdirSync(dataDir, { recursive: true });
  const topics = new TopicStore(dataDir);
  const offsets = new OffsetStore(dataDir);
  const groups = new GroupCoordinator();
  // Ids after a restart must not repeat ids already in the logs, or retried-send detection would misfire.
  let producerId = Math.max(topics.highestProducerId() + 1, 1000);
  const log: BrokerLog =
    options.log ??
    ((event, details) => {
      if (event === 'request failed')
        console.error(JSON.stringify({ level: 'ERROR', service: 'kafka-broker', message: event, ...details }));
    });

  const state: BrokerState = {
    nodeId: NODE_ID,
    advertisedHost: options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
    port: options.port,
    topics,
    offsets,
    groups,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: options.defaultPartitions ?? 3,
    nextProducerId: () => producerId++,
  };

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, state, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  state.port = typeof address === 'object' && address ? address.port : options.port;

  let stopped: Promise<void> | undefined;
  return {
    port: state.port,
    host,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        groups.close();
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          topics.close();
          offsets.close();
          resolve();
        });
      })),
  };
}
