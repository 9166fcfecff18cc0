/**
 * Fault: the local runtime killed with SIGKILL in the middle of a write load, then started again on the
 * same data folder. Every acknowledged (201) create is there, whole; no half-written patient (every listed
 * patient reads back complete, and every patient found by its email is whole); analytics converges to the
 * true counts (totalPatients and byState equal what the patient list holds).
 */
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';
import { config } from './support/config';
import { api, eventually, patientInput, tally } from './support/runtime';
import { loginDemoAdmin } from '../support/http';

const FIELDS = [
  'id',
  'firstName',
  'lastName',
  'email',
  'dateOfBirth',
  'address',
  'registeredDate',
  'billingStatus',
  'version',
  'createdAt',
  'updatedAt',
];
const whole = (p: Record<string, unknown>) =>
  FIELDS.every((f) => p[f] !== undefined && p[f] !== null) &&
  typeof (p.address as Record<string, unknown>)?.state === 'string';

describe('fault: runtime killed (SIGKILL) mid write load, then restarted', () => {
  let runtime: RuntimeProcess | undefined;
  afterAll(async () => {
    await runtime?.stop();
  });

  it('keeps every acknowledged write, leaves no half-written patient, and analytics converges', async () => {
    runtime = await startRuntimeProcess();
    const dataDir = runtime.dataDir;
    const client = api(runtime.baseUrl, await loginDemoAdmin(runtime.baseUrl));
    const acknowledged = new Map<string, Record<string, unknown>>();
    const inFlight = new Map<string, Record<string, unknown>>();
    let sent = 0;
    const unexpected: string[] = [];
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const input = patientInput('crash');
        const email = String(input.email);
        inFlight.set(email, input);
        sent++;
        try {
          const response = await client.create(input);
          if (response.status === 201) acknowledged.set(String(response.body.id), input);
          else if (!killed) unexpected.push(`create answered ${response.status}`);
        } catch (error) {
          if (!killed) unexpected.push(`create failed: ${(error as Error).message}`);
        }
        if (unexpected.length) return;
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    // Kill once a good number of writes is acknowledged, mid-stream.
    await eventually('enough acknowledged writes', 120_000, async () => {
      if (unexpected.length) throw new Error(unexpected[0]);
      return acknowledged.size >= config.faultCreates ? true : undefined;
    });
    killed = true;
    runtime.child.kill('SIGKILL');
    await Promise.allSettled(writers);
    await runtime.stop();

    runtime = await startRuntimeProcess({ dataDir, fresh: false });
    const after = api(runtime.baseUrl, await loginDemoAdmin(runtime.baseUrl));

    let found = 0;
    const broken: string[] = [];
    for (const [id, input] of acknowledged) {
      const response = await after.get(id);
      if (response.status === 200 && whole(response.body) && response.body.email === input.email) found++;
      else broken.push(`${id}: ${response.status}`);
    }
    const listed = await after.listAll();
    const halfWritten = listed.filter((p) => !whole(p)).map((p) => String(p.id));
    for (const p of listed) {
      const read = await after.get(String(p.id));
      if (read.status !== 200 || !whole(read.body)) halfWritten.push(`${String(p.id)} (listed, reads ${read.status})`);
    }
    // Writes in flight at the kill: either wholly there or not at all.
    const listedEmails = new Set(listed.map((p) => String(p.email)));
    const inFlightStored = [...inFlight.keys()].filter((email) => listedEmails.has(email)).length;

    const expectedByState = new Map<string, number>();
    for (const p of listed) {
      const state = String((p.address as Record<string, unknown>).state)
        .trim()
        .toUpperCase();
      expectedByState.set(state, (expectedByState.get(state) ?? 0) + 1);
    }
    const analytics = await eventually('analytics to converge', 60_000, async () => {
      const figures = await after.analytics();
      return figures.totalPatients === listed.length ? figures : undefined;
    }).catch(async (error: Error) => {
      const figures = await after.analytics();
      throw new Error(`${error.message}: totalPatients ${figures.totalPatients}, patients listed ${listed.length}`);
    });

    tally('runtime SIGKILL + restart', {
      sent,
      acknowledged: acknowledged.size,
      found,
      lost: acknowledged.size - found,
      halfWritten: halfWritten.length,
      inFlightStored: inFlightStored - acknowledged.size,
      listed: listed.length,
      analyticsTotal: analytics.totalPatients,
    });
    expect(unexpected).toEqual([]);
    expect(broken).toEqual([]);
    expect(halfWritten).toEqual([]);
    const countedByState = new Map<string, number>();
    for (const [state, n] of Object.entries(analytics.byState)) {
      const key = state.trim().toUpperCase();
      if (n !== 0) countedByState.set(key, (countedByState.get(key) ?? 0) + n);
    }
    expect(Object.fromEntries(countedByState)).toEqual(Object.fromEntries(expectedByState));
  });
});
