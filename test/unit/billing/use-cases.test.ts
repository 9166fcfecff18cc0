import { findBillingAccount, openBillingAccount } from '../../../billing/src/use-cases/billing-accounts';
import type { AccountRepository } from '../../../billing/src/domain/account-repository';
import type { BillingAccount, BillingContact } from '../../../billing/src/domain/billing-account';

/** An in-memory repository with the port's contract: the first account per patient wins. */
function inMemory(): AccountRepository & { stored: Map<string, { account: BillingAccount; contact: BillingContact }> } {
  const stored = new Map<string, { account: BillingAccount; contact: BillingContact }>();
  return {
    stored,
    async openOnce(account, contact) {
      const existing = stored.get(account.patientId);
      if (existing) return { account: existing.account, created: false };
      stored.set(account.patientId, { account, contact });
      return { account, created: true };
    },
    async findByPatientId(patientId) {
      return stored.get(patientId)?.account;
    },
  };
}

const now = () => new Date('2026-01-02T03:04:05.000Z');

it('opens an ACTIVE account with a new UUID and the request time, storing the contact', async () => {
  const repository = inMemory();
  const { account, created } = await openBillingAccount(
    repository,
    { patientId: 'p-1', name: 'Ada', email: 'ada@example.test' },
    now,
  );
  expect(created).toBe(true);
  expect(account).toEqual({
    accountId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    patientId: 'p-1',
    status: 'ACTIVE',
    createdAt: '2026-01-02T03:04:05.000Z',
  });
  expect(repository.stored.get('p-1')?.contact).toEqual({ name: 'Ada', email: 'ada@example.test' });
});

it('returns the existing account on a repeat', async () => {
  const repository = inMemory();
  const first = await openBillingAccount(repository, { patientId: 'p-1', name: 'Ada', email: 'a@example.test' });
  const again = await openBillingAccount(repository, { patientId: 'p-1', name: 'Ada', email: 'a@example.test' });
  expect(again).toEqual({ account: first.account, created: false });
});

it('finds by patient id, and refuses an empty one', async () => {
  const repository = inMemory();
  const { account } = await openBillingAccount(repository, { patientId: 'p-2', name: 'Bo', email: 'b@example.test' });
  expect(await findBillingAccount(repository, 'p-2')).toEqual(account);
  expect(await findBillingAccount(repository, 'p-3')).toBeUndefined();
  await expect(findBillingAccount(repository, '')).rejects.toThrow('patientId is required');
});
