/** Which pieces of the system have landed: a module whose piece is missing skips instead of failing. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotAvailable } from './report';

export const ROOT = resolve(__dirname, '../..');

/** Every file the local runtime imports or starts (local/runtime.ts); `npm start` needs all of them. */
export const RUNTIME_FILES = [
  'local/runtime.ts',
  'local/start.ts',
  'local/broker/index.ts',
  'local/dashboard/index.ts',
  'local/pollers/stream-poller.ts',
  'local/pollers/kafka-poller.ts',
  'functions/auth/local-keys.ts',
  'functions/auth/seed.ts',
  'functions/patients/seed.ts',
  'system/events.ts',
  'billing/src/main.ts',
  'functions/auth/handler.ts',
  'functions/authorizer/handler.ts',
  'functions/patients/handler.ts',
  'functions/platform/handler.ts',
  'functions/analytics/query-handler.ts',
  'functions/analytics/consumer-handler.ts',
  'functions/patients/streams/publish-events.ts',
];

export function missing(files: readonly string[]): string[] {
  return files.filter((file) => !existsSync(join(ROOT, file)));
}

/** Throws NotAvailable naming the missing files. */
export function requireFiles(files: readonly string[]): void {
  const absent = missing(files);
  if (absent.length) throw new NotAvailable(absent.join(', '));
}
