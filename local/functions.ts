/**
 * Builds every function with esbuild, exactly as the CDK NodejsFunctions do (system/bundling.ts), and runs
 * each bundle as Lambda runs it: in its own worker thread (its own module state, as a container has), with
 * its own environment built from its definition (local/environment.ts). As Lambda starts a container, a
 * worker starts at the function's first invocation (its module load is that call's cold start), so a
 * function nobody calls costs no memory; a worker that dies is replaced at the next invocation, as Lambda
 * replaces a crashed container.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { build } from 'esbuild';
import { esbuildOptions } from '../system/bundling';
import { buildSeparateModules } from './separate-modules';
import { lambdaContext } from './gateway/events';
import type { FunctionDefinition, FunctionName } from '../system/functions';

const ROOT = resolve(__dirname, '..');

export type LambdaHandler = (event: never, context: Context) => Promise<unknown>;
export type FunctionSet = Partial<Record<FunctionName, LambdaHandler>>;

export async function bundleFunctions(
  definitions: FunctionDefinition[],
  outDir: string,
): Promise<Partial<Record<FunctionName, string>>> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(definitions.map((f) => [f.name, join(ROOT, f.entry)])),
    outdir: outDir,
    ...esbuildOptions(),
    logLevel: 'error',
  });
  const bundles = Object.fromEntries(definitions.map((f) => [f.name, join(outDir, `${f.name}.js`)]));
  await buildSeparateModules(Object.values(bundles)); // one node_modules beside them all
  return bundles;
}

/** The worker's side: loads the bundle once, then answers invocations (a Lambda container's life). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
process.setSourceMapsEnabled(true);
const handler = require(workerData.file)[workerData.handler];
if (typeof handler !== 'function') throw new Error(workerData.file + ' exports no function "' + workerData.handler + '"');
parentPort.on('message', async ({ id, event, context }) => {
  const deadline = Date.now() + context.remainingMs;
  const lambdaContext = { ...context, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()), done() {}, fail() {}, succeed() {} };
  try {
    parentPort.postMessage({ id, result: await handler(event, lambdaContext) });
  } catch (error) {
    parentPort.postMessage({ id, error: { name: error && error.name, message: error && error.message } });
  }
});
parentPort.postMessage({ ready: true });
`;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One function's worker, started by its first invocation and again by the first one after a crash. */
class FunctionWorker {
  private worker?: Worker;
  private ready?: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stopped = false;

  constructor(
    private readonly definition: FunctionDefinition,
    private readonly file: string,
    private readonly env: Record<string, string>,
  ) {}

  private start(): Promise<void> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env: this.env,
      workerData: { file: this.file, handler: this.definition.handler },
    });
    this.worker = worker;
    let loaded = false;
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      worker.on(
        'message',
        (message: { ready?: true; id?: number; result?: unknown; error?: { name?: string; message?: string } }) => {
          if (message.ready) {
            loaded = true;
            return resolveReady();
          }
          const call = this.pending.get(message.id!);
          this.pending.delete(message.id!);
          if (!call) return;
          if (message.error)
            call.reject(Object.assign(new Error(message.error.message), { name: message.error.name ?? 'Error' }));
          else call.resolve(message.result);
        },
      );
      worker.on('error', (error) => {
        // A bundle that cannot load (a missing setting, a bad export) fails every call: say why, once per try.
        // Its message is about code and configuration, never a request's data.
        if (!loaded)
          console.error(
            JSON.stringify({
              source: 'functions',
              function: this.definition.name,
              event: 'load-failed',
              error: error.message,
            }),
          );
        rejectReady(error);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        const crash = new Error(`function ${this.definition.name} exited (${code})`);
        rejectReady(crash);
        for (const call of this.pending.values()) call.reject(crash);
        this.pending.clear();
      });
    });
    return this.ready;
  }

  /**
   * The gateway passes its context: its integration timeout, which a cold start uses up too, as on AWS. The pollers
   * pass none: the function's own timeout then, counted from the end of the cold start, as Lambda counts it.
   */
  async invoke(event: unknown, gatewayContext?: Context): Promise<unknown> {
    if (this.stopped) throw new Error(`function ${this.definition.name} is stopped`);
    await (this.worker ? this.ready : this.start());
    const worker = this.worker;
    if (!worker) throw new Error(`function ${this.definition.name} exited before the call`);
    const context =
      gatewayContext ?? lambdaContext(this.definition.name, (this.definition.timeoutSeconds ?? 10) * 1000);
    const id = this.nextId++;
    const {
      functionName,
      functionVersion,
      invokedFunctionArn,
      memoryLimitInMB,
      awsRequestId,
      logGroupName,
      logStreamName,
    } = context;
    return new Promise((resolveCall, rejectCall) => {
      this.pending.set(id, { resolve: resolveCall, reject: rejectCall });
      worker.postMessage({
        id,
        event,
        context: {
          functionName,
          functionVersion,
          invokedFunctionArn,
          memoryLimitInMB,
          awsRequestId,
          logGroupName,
          logStreamName,
          callbackWaitsForEmptyEventLoop: false,
          remainingMs: context.getRemainingTimeInMillis(),
        },
      });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker?.terminate();
  }
}

/** Every function, each with its own environment; a function's worker starts at its first invocation. */
export function startFunctions(
  definitions: FunctionDefinition[],
  bundles: Partial<Record<FunctionName, string>>,
  environmentOf: (definition: FunctionDefinition) => Record<string, string>,
): { functions: FunctionSet; stop: () => Promise<void> } {
  const workers = definitions.map(
    (definition) => new FunctionWorker(definition, bundles[definition.name]!, environmentOf(definition)),
  );
  const functions: FunctionSet = Object.fromEntries(
    definitions.map((d, i) => [d.name, (event: unknown, context?: Context) => workers[i]!.invoke(event, context)]),
  );
  return {
    functions,
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}
