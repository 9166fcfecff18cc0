/**
 * The functions' billing client (functions/commons/clients/billing.ts) against the real server:
 * answers, retries UNAVAILABLE with backoff (and only UNAVAILABLE), gives up after 3 attempts.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
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
