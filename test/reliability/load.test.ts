/**
 * Load: mixed traffic at a steady rate, well below saturation, for RELIABILITY_LOAD_SECONDS (default 300;
 * 20 in the short run) at RELIABILITY_LOAD_RATE requests/s: reads, lists, searches, creates, updates,
 * deletes, analytics. No request may fail; the resident memory of every process of the runtime is sampled
 * and its slope reported (MB per minute, least squares over the second half, after warm-up).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { config } from './support/config';
import { patientInput, runtimeUnderTest, tally } from './support/runtime';
import { loginDemoAdmin } from '../support/http';
import { slope } from '../../bench/lib/stats';

function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), pid]);
    } catch {
      /* gone */
    }
  }
  const all = [root];
  for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]!) ?? []));
  return all;
}

function rss(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

function nameOf(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmd.includes('DynamoDBLocal')) return 'dynamodb-local';
    if (cmd.includes('billing/src/main')) return 'billing';
    if (cmd.includes('local/start')) return 'runtime';
    return `pid ${pid}`;
  } catch {
    return `pid ${pid}`;
  }
}

/** MB per minute, from samples taken `t` seconds into the run. */
const slopePerMinute = (points: { t: number; mb: number }[]): number =>
  slope(points.map((p) => ({ x: p.t, y: p.mb }))) * 60;

describe('load', () => {
  let runtime: Awaited<ReturnType<typeof runtimeUnderTest>>;
  beforeAll(async () => {
    runtime = await runtimeUnderTest();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it(`serves ${config.loadSeconds} s of mixed traffic at ${config.loadRate} req/s without an error`, async () => {
    const token = await loginDemoAdmin(runtime.baseUrl);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const ids: string[] = [];
    const failures: string[] = [];
    const counts = { sent: 0, acknowledged: 0 };
    const deleted = new Set<string>();
    const call = async (method: string, path: string, expected: number[], body?: unknown, id?: string) => {
      counts.sent++;
      try {
        const response = await fetch(`${runtime.baseUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        // A read or update racing the delete of the same patient rightly finds it gone.
        const raced = response.status === 404 && id !== undefined && deleted.has(id);
        if (expected.includes(response.status) || raced) counts.acknowledged++;
        else failures.push(`${method} ${path}: ${response.status} ${text.slice(0, 150)}`);
        return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
      } catch (error) {
        failures.push(`${method} ${path}: ${(error as Error).message}`);
        return { status: 0, body: {} };
      }
    };
    const pickId = () => ids[Math.floor(Math.random() * ids.length)];
    const one = async (i: number) => {
      const roll = i % 20;
      const id = pickId();
      if (roll < 3 || !id) {
        const created = await call('POST', '/api/patients', [201], patientInput('load'));
        if (created.status === 201) ids.push(String(created.body.id));
      } else if (roll < 11) await call('GET', `/api/patients/${id}`, [200], undefined, id);
      else if (roll < 14) await call('GET', '/api/patients?limit=20', [200]);
      else if (roll < 15) await call('GET', '/api/patients?search=rel&limit=10', [200]);
      else if (roll < 17) {
        const current = await call('GET', `/api/patients/${id}`, [200], undefined, id);
        if (current.status === 200) {
          const {
            id: _id,
            version: _v,
            createdAt: _c,
            updatedAt: _u,
            billingAccountId: _b,
            billingStatus: _s,
            ...input
          } = current.body;
          await call('PUT', `/api/patients/${id}`, [200], { ...input, lastName: `Load${i}` }, id);
        }
      } else if (roll < 18 && ids.length > 20) {
        ids.splice(ids.indexOf(id), 1);
        deleted.add(id);
        await call('DELETE', `/api/patients/${id}`, [204]);
      } else await call('GET', '/api/analytics', [200]);
    };

    const samples = new Map<string, { t: number; mb: number }[]>();
    const started = Date.now();
    const sample = () => {
      const t = (Date.now() - started) / 1000;
      if (runtime.pid === undefined) return; // an external runtime: its processes are not ours to sample
      for (const pid of tree(runtime.pid)) {
        const name = nameOf(pid);
        samples.set(name, [...(samples.get(name) ?? []), { t, mb: rss(pid) }]);
      }
    };
    sample();
    const sampler = setInterval(sample, Math.max(1000, (config.loadSeconds * 1000) / 60));
    const inFlight = new Set<Promise<void>>();
    const interval = 1000 / config.loadRate;
    const total = Math.round(config.loadSeconds * config.loadRate);
    try {
      for (let i = 0; i < total; i++) {
        // A steady open-loop rate: each request leaves at its own time whether or not earlier ones answered.
        const due = started + i * interval;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const p = one(i).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Promise.all(inFlight);
    } finally {
      clearInterval(sampler);
    }
    sample();

    const report = [...samples].map(([name, points]) => {
      const secondHalf = points.filter((p) => p.t >= config.loadSeconds / 2);
      return `${name} ${points[0]!.mb.toFixed(0)}→${points.at(-1)!.mb.toFixed(0)} MB, slope ${slopePerMinute(secondHalf).toFixed(2)} MB/min`;
    });
    tally('load', {
      sent: counts.sent,
      acknowledged: counts.acknowledged,
      found: counts.acknowledged,
      lost: failures.length,
      seconds: config.loadSeconds,
      rate: config.loadRate,
    });
    console.log(`[reliability] load memory (second-half slope): ${report.join('; ')}`);
    if (failures.length) console.log(`[reliability] load failures:\n${failures.slice(0, 20).join('\n')}`);
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
