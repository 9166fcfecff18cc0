/** Starts `npm start` once for the whole e2e project; tests read E2E_BASE_URL and friends. */
import { startRuntimeProcess } from './runtime-process';

export default async function setup(): Promise<void> {
  const runtime = await startRuntimeProcess();
  process.env.E2E_BASE_URL = runtime.baseUrl;
  process.env.E2E_KAFKA_BROKERS = runtime.kafka;
  process.env.E2E_BILLING_ADDRESS = runtime.billing;
  process.env.E2E_DYNAMODB_ENDPOINT = runtime.dynamodb;
  process.env.E2E_DATA_DIR = runtime.dataDir;
  (globalThis as { __RUNTIME__?: unknown }).__RUNTIME__ = runtime;
}
