/**
 * The broker as a worker thread of the local runtime (started by local/broker-thread.ts): its own event loop, as
 * MSK is a service of its own, so Kafka traffic and the gateway's requests never queue behind each other.
 * It answers `started` (or `failed`) once listening, and `stopped` after a `stop` message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startBroker, type BrokerOptions } from './index';

const port = parentPort!;
process.setSourceMapsEnabled(true);

startBroker(workerData as Omit<BrokerOptions, 'log'>).then(
  (broker) => {
    port.once('message', () => void broker.stop().then(() => port.postMessage({ stopped: true })));
    port.postMessage({ started: { port: broker.port, host: broker.host } });
  },
  (error: Error) => port.postMessage({ failed: error.message }),
);
