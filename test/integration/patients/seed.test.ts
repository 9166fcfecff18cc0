/** seedDemoPatients: a few demo patients through the create use case, once. */
import { startBillingServer, type BillingServer } from '../../../billing/src/server';
import { freePort } from '../../../local/ports';
import { useLocalTables } from '../../support/tables';

let billing: BillingServer;

beforeAll(async () => {
  const tables = await useLocalTables();
  process.env.CURSOR_KEY = 'integration-test-cursor-key';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  billing = await startBillingServer({
    port: await freePort(),
    tableName: tables['billing-accounts'],
    transactionsTableName: tables['billing-transactions'],
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
  });
  process.env.BILLING_ADDRESS = `127.0.0.1:${billing.port}`;
});

afterAll(async () => {
  const { billingClient } = await import('../../../functions/commons/clients/billing');
  billingClient().close();
  await billing.stop();
});

it('seeds demo patients of different states, genders and ages once; a second call adds nothing', async () => {
  const { seedDemoPatients, DEMO_PATIENTS } = await import('../../../functions/patients/seed');
  const { patientPorts } = await import('../../../functions/patients/ports-from-env');
  const { listPatients } = await import('../../../functions/patients/use-cases');
  expect(await seedDemoPatients()).toBe(DEMO_PATIENTS.length);
  expect(await seedDemoPatients()).toBe(0);

  const ctx = {
    caller: { userId: 'u', email: 'u@x.test', role: 'admin' as const, emailVerified: true },
    requestId: 'r',
  };
  const page = await listPatients(patientPorts(), ctx, { limit: '100' });
  expect(page.patients).toHaveLength(DEMO_PATIENTS.length);
  expect(page.patients.every((p) => p.billingStatus === 'ACTIVE')).toBe(true);
  expect(new Set(page.patients.map((p) => p.address.state)).size).toBeGreaterThanOrEqual(3);
  expect(new Set(page.patients.map((p) => p.gender)).size).toBeGreaterThanOrEqual(3);
  const years = page.patients.map((p) => Number(p.dateOfBirth.slice(0, 4)));
  expect(Math.max(...years) - Math.min(...years)).toBeGreaterThan(50);
});
