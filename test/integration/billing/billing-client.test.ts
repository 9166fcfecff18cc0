/**
 * The functions' billing client (functions/commons/clients/billing.ts) against the real server:
 * answers, retries UNAVAILABLE with backoff (and only UNAVAILABLE), gives up after 3 attempts or at its time
 * budget, spreads calls over every address (round_robin); the server asks clients to reconnect now and then.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:http2';
import { status } from '@grpc/grpc-js';
import type { AccountRepository } from '../../../billing/src/domain/account-repository';
import type { BillingAccount, BillingContact } from '../../../billing/src/domain/billing-account';
import { billingClient } from '../../../functions/commons/clients/billing';
import { freePort } from '../../../local/ports';
import { rejectionOf, startTestServer } from './support';

const patient = () => ({ patientId: randomUUID(), name: 'Grace Hopper', email: 'grace@example.test' });
const servers: { stop(): Promise<void> }[] = [];

afterEach(async () => {
  billingClient().close();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

it('opens an account at BILLING_ADDRESS, the same one on a repeat call', async () => {
  const server = await startTestServer();
  servers.push(server);
  process.env.BILLING_ADDRESS = server.address;
  const request = patient();
  const first = await billingClient().createBillingAccount(request);
  const second = await billingClient().createBillingAccount(request);
  expect(first.status).toBe('ACTIVE');
  expect(first.accountId).not.toBe('');
  expect(second).toEqual(first);
});

it('retries UNAVAILABLE: the server comes up after the first attempt fails, and the retry succeeds', async () => {
  const port = await freePort();
  const waits: { ms: number; failedAttempt: number }[] = [];
  const client = billingClient({
    address: `127.0.0.1:${port}`,
    // Between attempts: start the server on the port the first attempt found closed.
    wait: async (ms, failedAttempt) => {
      waits.push({ ms, failedAttempt });
      if (failedAttempt === 1) servers.push(await startTestServer({ port }));
    },
  });
  const reply = await client.createBillingAccount(patient());
  expect(reply.status).toBe('ACTIVE');
  expect(waits.map((w) => w.failedAttempt)).toEqual([1]);
});

it('gives up with UNAVAILABLE after 3 attempts, backing off exponentially', async () => {
  const port = await freePort();
  const waits: number[] = [];
  const client = billingClient({
    address: `127.0.0.1:${port}`,
    wait: async (ms) => {
      waits.push(ms);
    },
  });
  const error = await rejectionOf(client.createBillingAccount(patient()));
  expect(error.code).toBe(status.UNAVAILABLE);
  // Two waits between three attempts: 100-150 ms, then 200-300 ms.
  expect(waits).toHaveLength(2);
  expect(waits[0]).toBeGreaterThanOrEqual(100);
  expect(waits[0]).toBeLessThanOrEqual(150);
  expect(waits[1]).toBeGreaterThanOrEqual(200);
  expect(waits[1]).toBeLessThanOrEqual(300);
});

it('does not retry other errors (INVALID_ARGUMENT comes back at once)', async () => {
  const server = await startTestServer();
  servers.push(server);
  const waits: number[] = [];
  const client = billingClient({
    address: server.address,
    wait: async (ms) => {
      waits.push(ms);
    },
  });
  const error = await rejectionOf(client.createBillingAccount({ patientId: '', name: 'A', email: 'a@example.test' }));
  expect(error.code).toBe(status.INVALID_ARGUMENT);
  expect(waits).toEqual([]);
});

it('refuses to call without an address', async () => {
  const saved = process.env.BILLING_ADDRESS;
  delete process.env.BILLING_ADDRESS;
  try {
    await expect(billingClient().createBillingAccount(patient())).rejects.toThrow('BILLING_ADDRESS is not set');
  } finally {
    process.env.BILLING_ADDRESS = saved;
  }
});

describe('balancing and time', () => {
  it('spreads calls over every address of the target (round_robin), not one for the life of the channel', async () => {
    const calls = [0, 0];
    const counting = (i: number) => (real: AccountRepository) => ({
      openOnce: (account: BillingAccount, contact: BillingContact) => {
        calls[i]! += 1;
        return real.openOnce(account, contact);
      },
      findByPatientId: (patientId: string) => real.findByPatientId(patientId),
    });
    const a = await startTestServer({ accounts: counting(0) });
    const b = await startTestServer({ accounts: counting(1) });
    servers.push(a, b);
    // Two addresses behind one target, as Cloud Map's multivalue answer gives one per task.
    const client = billingClient({ address: `ipv4:127.0.0.1:${a.port},127.0.0.1:${b.port}` });
    for (let i = 0; i < 12; i++) await client.createBillingAccount(patient());
    expect(calls[0]! + calls[1]!).toBe(12);
    expect(Math.min(...calls)).toBeGreaterThanOrEqual(3);
  });

  it('ends a call that billing does not answer at the budget, not at the per-attempt deadline', async () => {
    const server = await startTestServer({
      accounts: (real) => ({
        openOnce: () => new Promise(() => undefined), // never answers
        findByPatientId: (patientId) => real.findByPatientId(patientId),
      }),
    });
    servers.push(server);
    const client = billingClient({ address: server.address, deadlineMs: 5000, budgetMs: 300 });
    const started = Date.now();
    const error = await rejectionOf(client.createBillingAccount(patient()));
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('cuts backoff short and starts no attempt the budget has no time for', async () => {
    const port = await freePort();
    const waits: number[] = [];
    const client = billingClient({
      address: `127.0.0.1:${port}`,
      budgetMs: 400,
      backoffMs: 250,
      wait: async (ms) => {
        waits.push(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    const error = await rejectionOf(client.createBillingAccount(patient()));
    expect(error.code).toBe(status.UNAVAILABLE);
    // Unbounded, the waits would be 250-375 ms and 500-750 ms; the budget leaves 100 ms for the attempt after each.
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits[0]).toBeLessThanOrEqual(300);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(300);
  });

  it('asks each client to reconnect after the maximum connection age (GOAWAY), so clients find new tasks', async () => {
    const server = await startTestServer({ maxConnectionAgeMs: 200 });
    servers.push(server);
    const session = connect(`http://${server.address}`);
    try {
      const goaway = await new Promise<number>((resolve) => session.on('goaway', (code) => resolve(code)));
      expect(goaway).toBe(0); // NO_ERROR: a graceful close, calls in flight finish within the grace
    } finally {
      session.destroy();
    }
  });
});
