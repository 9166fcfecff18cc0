/**
 * Starts the whole local runtime (as `npm start` does) once for the e2e project, on free ports,
 * with a fresh temporary data folder. Tests read the base URL from E2E_BASE_URL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../../local/runtime';

export default async function setup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pms-e2e-'));
  const runtime = await startRuntime({ dataDir, fresh: true, ephemeralPorts: true, quiet: true });
  process.env.E2E_BASE_URL = runtime.urls.api;
  process.env.E2E_KAFKA_BROKERS = runtime.urls.kafka ?? '';
  process.env.E2E_BILLING_ADDRESS = runtime.urls.billing ?? '';
  process.env.E2E_DYNAMODB_ENDPOINT = runtime.urls.dynamodb;
  (globalThis as { __RUNTIME__?: unknown }).__RUNTIME__ = runtime;
}
