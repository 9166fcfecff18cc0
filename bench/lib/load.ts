/**
 * Load generation. HTTP goes through autocannon (a library, not a hand-written loop). Baselines that are
 * not HTTP (a bare DynamoDB call, a bare gRPC call) run as a closed loop of N workers for a fixed time,
 * which is the same model autocannon uses for N connections: each worker sends its next call as soon
 * as the previous one answers.
 */
import autocannon from 'autocannon';
import { percentile } from './stats';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failures: number;
}

export interface HttpLoad {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** A fresh body per request (unique emails for creates). */
  bodyOf?: () => string;
  connections: number;
  seconds: number;
}

export async function httpLoad(load: HttpLoad): Promise<LoadResult> {
  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
    method: load.method ?? 'GET',
    headers: load.headers,
    body: load.body,
    requests: load.bodyOf ? [{ setupRequest: (request) => ({ ...request, body: load.bodyOf!() }) }] : undefined,
  });
  const ok = result['2xx'];
  return {
    rps: ok / load.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** N workers each calling `op` back to back for `seconds`; latencies in ms. */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  op: (worker: number) => Promise<unknown>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await op(worker);
          latencies.push(performance.now() - t0);
        } catch {
          failures++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok: latencies.length,
    failures,
  };
}

/** `count` sequential calls; latencies in ms. */
export async function sequential(count: number, op: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await op(i);
    latencies.push(performance.now() - t0);
  }
  return latencies;
}
