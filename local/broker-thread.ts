/**
 * Runs the Kafka-protocol broker (local/broker/) in a worker thread of the local runtime, built with esbuild so the
 * thread loads plain JavaScript. A thread that dies is started again on the same port (after 1 s, then longer): its logs
 * are on disk, so clients (the pollers, the publishers) reconnect and resume, as they would after an MSK broker
 * restart.
 */
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { esbuildOptions } from '../system/bundling';
import type { Broker, BrokerOptions } from './broker';

const log = (message: string, details: Record<string, unknown>) =>
  console.error(JSON.stringify({ level: 'ERROR', service: 'kafka-broker', message, ...details }));

type Message = { started?: { port: number; host: string }; failed?: string; stopped?: true };

function startThread(
  file: string,
  options: Omit<BrokerOptions, 'log'>,
): Promise<{ worker: Worker; port: number; host: string }> {
  const worker = new Worker(file, { workerData: options, execArgv: [] });
  return new Promise((resolveStart, rejectStart) => {
    const onMessage = (message: Message) => {
      if (message.started) resolveStart({ worker, ...message.started });
      else if (message.failed) rejectStart(new Error(message.failed));
    };
    worker.on('message', onMessage);
    worker.once('error', rejectStart);
    worker.once('exit', (code) => rejectStart(new Error(`the Kafka broker thread exited (${code}) while starting`)));
  });
}

/** `onThread` sees each thread as it starts (the tests end one to watch it come back). */
export async function startBrokerThread(
  options: Omit<BrokerOptions, 'log'>,
  buildDir: string,
  onThread: (worker: Worker) => void = () => undefined,
): Promise<Broker> {
  const file = join(buildDir, 'kafka-broker.js');
  await build({
    entryPoints: [resolve(__dirname, 'broker', 'worker.ts')],
    outfile: file,
    ...esbuildOptions(), // as the functions are built
    logLevel: 'error',
  });
  let current = await startThread(file, options);
  onThread(current.worker);
  let stopping = false;
  const restart = (failures: number) =>
    setTimeout(
      () => {
        if (stopping) return;
        startThread(file, { ...options, port: current.port }).then(
          (next) => {
            current = next;
            onThread(next.worker);
            watch(next.worker);
          },
          (error: Error) => {
            log('could not start the broker thread again', { error: error.message });
            restart(failures + 1);
          },
        );
      },
      Math.min(30_000, 1000 * 2 ** failures),
    ).unref();
  const watch = (worker: Worker) =>
    worker.once('exit', (code) => {
      if (stopping) return;
      log('the broker thread exited; starting it again', { code });
      restart(0);
    });
  watch(current.worker);
  return {
    port: current.port,
    host: current.host,
    stop: async () => {
      stopping = true;
      const { worker } = current;
      const stopped = new Promise<void>((done) => worker.on('message', (m: Message) => m.stopped && done()));
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stopped, new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
