/**
 * Graceful shutdown: stop() lets a call already in flight finish and answer, while new connections are
 * refused; health reports NOT_SERVING meanwhile. A call held past the drain deadline is cut off.
 */
import { randomUUID } from 'node:crypto';
import { credentials, status } from '@grpc/grpc-js';
import { HealthClient, HealthCheckResponse_ServingStatus } from '../../../proto/gen/grpc/health/v1/health';
import type { AccountRepository } from '../../../billing/src/domain/account-repository';
import { originalClient, rejectionOf, startTestServer } from './support';

/** Wraps the real repository so that opening an account waits at a gate the test opens. */
function gated() {
  let entered!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  const wrap = (real: AccountRepository): AccountRepository => ({
    findByPatientId: (patientId) => real.findByPatientId(patientId),
    openOnce: async (account, contact) => {
      entered();
      await opened;
      return real.openOnce(account, contact);
    },
  });
  return { wrap, reached, release };
}

/** Polls until a brand-new connection to `address` is refused (the listener is closed). */
async function untilRefused(address: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const fresh = originalClient(address);
    try {
      await fresh.create({ patientId: '', name: '', email: '' });
    } catch (error) {
      const code = (error as { code: number }).code;
      if (code === status.UNAVAILABLE) return code;
    } finally {
      fresh.close();
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('new connections were still accepted');
}

it('finishes an in-flight call during stop(), refuses new connections, and tells watchers NOT_SERVING', async () => {
  const gate = gated();
  const server = await startTestServer({ accounts: gate.wrap, drainTimeoutMs: 30_000 });
  const client = originalClient(server.address);
  const health = new HealthClient(server.address, credentials.createInsecure());
  try {
    // A health watcher from before the shutdown sees SERVING, then NOT_SERVING, then its stream ends.
    const watch = health.watch({ service: '' });
    const seen: number[] = [];
    const watchEnded = new Promise<void>((resolve) => {
      watch.on('end', resolve);
      watch.on('error', () => resolve());
    });
    const firstStatus = new Promise<void>((resolve) =>
      watch.on('data', (r: { status: number }) => {
        seen.push(r.status);
        resolve();
      }),
    );
    await firstStatus;

    const inFlight = client.create({ patientId: randomUUID(), name: 'Drain Test', email: 'drain@example.test' });
    await gate.reached;

    let stopped = false;
    const stopping = server.stop().then(() => {
      stopped = true;
    });
    expect(await untilRefused(server.address)).toBe(status.UNAVAILABLE);
    await watchEnded;
    expect(seen).toEqual([HealthCheckResponse_ServingStatus.SERVING, HealthCheckResponse_ServingStatus.NOT_SERVING]);
    expect(stopped).toBe(false);

    gate.release();
    const reply = await inFlight;
    expect(reply.status).toBe('ACTIVE');
    expect(reply.accountId).not.toBe('');
    await stopping;
    expect(stopped).toBe(true);
  } finally {
    client.close();
    health.close();
    gate.release();
    await server.stop();
  }
});

it('cuts off a call still running at the drain deadline, and stop() still resolves', async () => {
  const gate = gated();
  const server = await startTestServer({ accounts: gate.wrap, drainTimeoutMs: 300 });
  const client = originalClient(server.address);
  try {
    const inFlight = client.create({ patientId: randomUUID(), name: 'Cut Off', email: 'cut@example.test' });
    await gate.reached;
    await server.stop();
    const error = await rejectionOf(inFlight);
    expect([status.UNAVAILABLE, status.CANCELLED, status.INTERNAL]).toContain(error.code);
  } finally {
    // The gate stays shut: the cut-off handler never reaches the (now closed) DynamoDB client.
    client.close();
  }
});
