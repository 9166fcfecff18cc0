/** Helpers around a runtime started with test/support/runtime-process.ts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../support/wait';

/** [dynamoPid, billingPid] as the runtime records them (local/leftovers.ts). */
export function childPids(dataDir: string): { dynamo: number; billing: number } {
  const { pids } = JSON.parse(readFileSync(join(dataDir, 'children.pid'), 'utf8')) as { pids: number[] };
  if (pids.length < 2) throw new Error(`children.pid names ${pids.length} processes, expected DynamoDB and billing`);
  return { dynamo: pids[0]!, billing: pids[1]! };
}

let counter = 0;
export function patientInput(tag: string): Record<string, unknown> {
  counter++;
  const states = ['CA', 'NY', 'TX', 'WA', 'FL'];
  return {
    firstName: `Rel${counter}`,
    lastName: tag,
    email: `${tag}-${process.pid}-${Date.now()}-${counter}@example.test`,
    dateOfBirth: `${1940 + (counter % 70)}-0${1 + (counter % 9)}-1${counter % 10}`,
    address: {
      street: '1 Reliability Rd',
      city: 'Springfield',
      state: states[counter % states.length],
      zipCode: '12345',
    },
    gender: ['male', 'female', 'other', 'unknown'][counter % 4],
  };
}

export function api(baseUrl: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    async create(input: Record<string, unknown>) {
      const response = await fetch(`${baseUrl}/api/patients`, { method: 'POST', headers, body: JSON.stringify(input) });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    },
    async get(id: string) {
      const response = await fetch(`${baseUrl}/api/patients/${id}`, { headers });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    },
    async analytics() {
      const response = await fetch(`${baseUrl}/api/analytics`, { headers });
      if (response.status !== 200) throw new Error(`GET /api/analytics answered ${response.status}`);
      return (await response.json()) as {
        totalPatients: number;
        eventsProcessed: number;
        byState: Record<string, number>;
      };
    },
    /** Every listed (non-deleted) patient, following cursors. */
    async listAll() {
      const all: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await fetch(`${baseUrl}/api/patients?${query}`, { headers });
        if (response.status !== 200) throw new Error(`GET /api/patients answered ${response.status}`);
        const page = (await response.json()) as { patients: Record<string, unknown>[]; nextCursor: string | null };
        all.push(...page.patients);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
  };
}

/** Waits for `what` while the system may be down (a probe that throws is tried again). */
export const eventually = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> =>
  waitFor(probe, what, { limitMs: timeoutMs, everyMs: 250, retryErrors: true }) as Promise<T>;

/** One line per scenario: what it did and what it counted. */
export function tally(
  scenario: string,
  counts: { sent: number; acknowledged: number; found: number; lost: number; [k: string]: number },
): void {
  console.log(
    `[reliability] ${scenario}: ${Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}

/**
 * The runtime a scenario runs against: its own `npm start` (the default), or an already running system
 * at RELIABILITY_BASE_URL (bad input and load only; the fault scenarios need processes of their own).
 */
export async function runtimeUnderTest(): Promise<{ baseUrl: string; pid?: number; stop(): Promise<unknown> }> {
  const external = process.env.RELIABILITY_BASE_URL;
  if (external) return { baseUrl: external.replace(/\/$/, ''), stop: async () => undefined };
  const { startRuntimeProcess } = await import('../../support/runtime-process');
  const runtime = await startRuntimeProcess();
  return { baseUrl: runtime.baseUrl, pid: runtime.child.pid, stop: () => runtime.stop() };
}
