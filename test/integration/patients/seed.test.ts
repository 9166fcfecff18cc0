/** seedDemoPatients: a few demo patients through the create use case, once. */
import { createServer } from 'node:net';
import { useLocalTables } from '../../support/tables';

beforeAll(async () => {
  await useLocalTables();
  process.env.CURSOR_KEY = 'integration-test-cursor-key';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.BILLING_ADDRESS = `127.0.0.1:${(server.address() as { port: number }).port}`;
  await new Promise((resolve) => server.close(resolve));
});

it('seeds demo patients of different states, genders and ages once; a second call adds nothing', async () => {
  const { seedDemoPatients, DEMO_PATIENTS } = await import('../../../functions/patients/seed');
  const { patientPorts } = await import('../../../functions/patients/ports-from-env');
  const { listPatients } = await import('../../../functions/patients/use-cases');
  expect(await seedDemoPatients()).toBe(DEMO_PATIENTS.length);
  expect(await seedDemoPatients()).toBe(0);

  const ctx = { caller: { userId: 'u', email: 'u@x.test', role: 'admin' as const }, requestId: 'r' };
  const page = await listPatients(patientPorts(), ctx, { limit: '100' });
  expect(page.patients).toHaveLength(DEMO_PATIENTS.length);
  expect(new Set(page.patients.map((p) => p.address.state)).size).toBeGreaterThanOrEqual(3);
  expect(new Set(page.patients.map((p) => p.gender)).size).toBeGreaterThanOrEqual(3);
  const years = page.patients.map((p) => Number(p.dateOfBirth.slice(0, 4)));
  expect(Math.max(...years) - Math.min(...years)).toBeGreaterThan(50);
});
