/** A billing server of our own (the container's entry point) and a bare CreateBillingAccount caller. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { tableEnvVar, tables } from '../../../system/tables';
import { BillingServiceClient } from '../../../proto/gen/billing_service';
import { stopChild } from '../../../local/child-process';
import { startRuntimeProcess, type RuntimeProcess } from '../../support/runtime-process';

const ROOT = resolve(__dirname, '../../..');

/**
 * Starts billing/src/main.ts as the runtime does (local/runtime.ts startBilling), on `address`'s port,
 * against the DynamoDB Local at `dynamoEndpoint` with the runtime's table names (no prefix).
 */
export async function startBillingProcess(
  address: string,
  dynamoEndpoint: string,
): Promise<{ process: ChildProcess; stop(): Promise<void> }> {
  const port = address.split(':').pop()!;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    BILLING_PORT: port,
    BILLING_HOST: '127.0.0.1',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  for (const def of Object.values(tables)) env[tableEnvVar(def.name)] = def.name;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'billing/src/main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const caller = billingCaller(address);
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`billing server exited: ${stderr}`);
      try {
        await caller.create({ patientId: '', name: '', email: '' });
        break;
      } catch (error) {
        // INVALID_ARGUMENT (3) for the empty patient id: the server is up and answering.
        if ((error as { code?: number }).code === 3) break;
        if (Date.now() > deadline) throw new Error(`billing server did not answer: ${stderr}`, { cause: error });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    caller.close();
  }
  return {
    process: child,
    stop: () => stopChild(child, exited),
  };
}

export function billingCaller(address: string) {
  const client = new BillingServiceClient(address, credentials.createInsecure());
  return {
    create: (request: { patientId: string; name: string; email: string }) =>
      new Promise<{ accountId: string; status: string }>((resolve, reject) => {
        client.createBillingAccount(request, new Metadata(), { deadline: Date.now() + 3000 }, (error, response) =>
          error ? reject(error) : resolve({ accountId: response.accountId, status: response.status }),
        );
      }),
    close: () => client.close(),
  };
}

/**
 * A full `npm start` for a billing fault scenario: `runtime` once started, `whileFrozen` runs work while
 * billing is stopped (SIGSTOP: calls hang to their deadline) and thaws it whatever happens, and
 * `replaceBilling` starts a new billing server on the same port and data after a kill (as an orchestrator
 * would). Everything is stopped after the file's tests.
 */
export function useBillingFault() {
  let runtime: RuntimeProcess | undefined;
  let replacement: Awaited<ReturnType<typeof startBillingProcess>> | undefined;
  beforeAll(async () => {
    runtime = await startRuntimeProcess();
  });
  afterAll(async () => {
    await replacement?.stop();
    await runtime?.stop();
  });
  return {
    get runtime(): RuntimeProcess {
      if (!runtime) throw new Error('the runtime has not started');
      return runtime;
    },
    async whileFrozen<T>(pid: number, work: () => Promise<T>): Promise<T> {
      process.kill(pid, 'SIGSTOP');
      try {
        return await work();
      } finally {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          /* gone */
        }
      }
    },
    async replaceBilling(): Promise<void> {
      replacement = await startBillingProcess(this.runtime.billing, this.runtime.dynamodb);
    },
  };
}
