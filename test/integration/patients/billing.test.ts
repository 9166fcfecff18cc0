/**
 * Billing on create over gRPC: a reachable billing service makes the patient ACTIVE at once; an
 * unreachable one leaves it PENDING, and completePendingBilling opens the account later, exactly once,
 * without changing the patient's version. The gRPC server here speaks the contract's BillingService
 * (idempotent per patientId) on a free port, and can be switched off and on.
 */
import { Server, ServerCredentials, status, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { BillingServiceService, type BillingRequest, type BillingResponse } from '../../../proto/gen/billing_service';
import { useLocalTables } from '../../support/tables';
import { admin, client, validInput } from './api-events';

let call: ReturnType<typeof client>;
let server: Server | undefined;
let port = 0;
const accounts = new Map<string, string>();
const calls: string[] = [];

async function startBilling(): Promise<void> {
  server = new Server();
  server.addService(BillingServiceService, {
    createBillingAccount(callObj: ServerUnaryCall<BillingRequest, BillingResponse>, done: sendUnaryData<BillingResponse>) {
      const { patientId } = callObj.request;
      calls.push(patientId);
      if (!patientId) return done({ code: status.INVALID_ARGUMENT, message: 'patientId is required' });
      if (!accounts.has(patientId)) accounts.set(patientId, `acct-${accounts.size + 1}`);
      done(null, { accountId: accounts.get(patientId)!, status: 'ACTIVE', patientId, createdAt: new Date().toISOString() });
    },
    getBillingAccount(_c: unknown, done: sendUnaryData<BillingResponse>) { done({ code: status.UNIMPLEMENTED }); },
  });
  port = await new Promise<number>((resolve, reject) =>
    server!.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
}

async function stopBilling(): Promise<void> {
  await new Promise<void>((resolve) => server!.tryShutdown(() => resolve()));
  server!.forceShutdown();
  server = undefined;
}

beforeAll(async () => {
  await useLocalTables();
  process.env.CURSOR_KEY = 'integration-test-cursor-key';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  await startBilling();
  process.env.BILLING_ADDRESS = `127.0.0.1:${port}`;
  const { handler } = await import('../../../functions/patients/handler');
  call = client(handler);
});

afterAll(async () => {
  if (server) await stopBilling();
});

async function pendingPorts() {
  const { patientPorts } = await import('../../../functions/patients/ports-from-env');
  return patientPorts();
}

it('opens the billing account on create: 201 with billingStatus ACTIVE and its account id', async () => {
  const created = await call({ method: 'POST', body: validInput(), caller: admin });
  expect(created.status).toBe(201);
  expect(created.body.billingStatus).toBe('ACTIVE');
  expect(created.body.billingAccountId).toBe(accounts.get(created.body.id));
  expect((await call({ method: 'GET', id: created.body.id })).body).toEqual(created.body);
});

it('creates the patient PENDING when billing is down; completePendingBilling opens the account once, version unchanged', async () => {
  await stopBilling();
  const created = await call({ method: 'POST', body: validInput() });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ billingStatus: 'PENDING', billingAccountId: null, version: 1 });
  const id: string = created.body.id;

  const { completePendingBilling } = await import('../../../functions/patients/use-cases');
  const ports = await pendingPorts();
  await expect(completePendingBilling(id, ports)).rejects.toBeDefined();

  await startBilling();
  expect(await completePendingBilling(id, ports)).toBe('ACTIVATED');
  expect(await completePendingBilling(id, ports)).toBe('ALREADY_ACTIVE');
  const read = await call({ method: 'GET', id });
  expect(read.body).toMatchObject({ billingStatus: 'ACTIVE', billingAccountId: accounts.get(id), version: 1 });
  expect(read.headers.etag).toBe('"1"');
  expect(calls.filter((c) => c === id)).toHaveLength(1);

  // An If-Match taken before the account opened still matches.
  const updated = await call({ method: 'PUT', id, body: validInput({ email: created.body.email }), headers: { 'If-Match': created.headers.etag! } });
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ billingStatus: 'ACTIVE', billingAccountId: accounts.get(id), version: 2 });
});

it('opens no account for a deleted or unknown patient', async () => {
  await stopBilling();
  const created = await call({ method: 'POST', body: validInput() });
  await startBilling();
  expect((await call({ method: 'DELETE', id: created.body.id })).status).toBe(204);
  const { completePendingBilling } = await import('../../../functions/patients/use-cases');
  const ports = await pendingPorts();
  expect(await completePendingBilling(created.body.id, ports)).toBe('DELETED');
  expect(await completePendingBilling('00000000-0000-4000-8000-000000000000', ports)).toBe('NOT_FOUND');
  expect(calls).not.toContain(created.body.id);
});
