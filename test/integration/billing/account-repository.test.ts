/** The DynamoDB account repository on DynamoDB Local: one item per patient, the stored account on a repeat. */
import { randomUUID } from 'node:crypto';
import { billingDynamoClient, DynamoAccountRepository } from '../../../billing/src/adapters/dynamo-account-repository';
import type { BillingAccount } from '../../../billing/src/domain/billing-account';
import { useLocalTables } from '../../support/tables';

const doc = billingDynamoClient(process.env.DYNAMODB_ENDPOINT);
let repository: DynamoAccountRepository;
let requests = 0;
doc.middlewareStack.add(
  (next) => (args) => {
    requests++;
    return next(args);
  },
  { step: 'initialize', name: 'countRequests' },
);

beforeAll(async () => {
  const tables = await useLocalTables();
  repository = new DynamoAccountRepository(doc, tables['billing-accounts']);
});

afterAll(() => doc.destroy());

const account = (patientId: string): BillingAccount => ({
  accountId: randomUUID(),
  patientId,
  status: 'ACTIVE',
  createdAt: new Date().toISOString(),
});
const contact = { name: 'Alan Turing', email: 'alan@example.test' };

it('stores a new account and returns it as created', async () => {
  const fresh = account(randomUUID());
  expect(await repository.openOnce(fresh, contact)).toEqual({ account: fresh, created: true });
  expect(await repository.findByPatientId(fresh.patientId)).toEqual(fresh);
});

it('returns the stored account for a second open, in a single request (the failed condition carries it)', async () => {
  const patientId = randomUUID();
  const first = account(patientId);
  await repository.openOnce(first, contact);
  requests = 0;
  const again = await repository.openOnce(account(patientId), { name: 'Someone Else', email: 'else@example.test' });
  expect(again).toEqual({ account: first, created: false });
  expect(requests).toBe(1);
});

it('finds nothing for a patient without an account', async () => {
  expect(await repository.findByPatientId(randomUUID())).toBeUndefined();
});
