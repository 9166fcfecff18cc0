/** The two things the billing service does: open a patient's account (once) and read it. */
import { randomUUID } from 'node:crypto';
import type { AccountRepository } from '../domain/account-repository';
import {
  ACCOUNT_STATUS,
  validateOpenAccountRequest,
  validatePatientId,
  type BillingAccount,
  type OpenAccountRequest,
} from '../domain/billing-account';

export async function openBillingAccount(
  accounts: AccountRepository,
  request: OpenAccountRequest,
  now: () => Date = () => new Date(),
  newId: () => string = randomUUID,
): Promise<{ account: BillingAccount; created: boolean }> {
  const { patientId, name, email } = validateOpenAccountRequest(request);
  const candidate: BillingAccount = {
    accountId: newId(),
    patientId,
    status: ACCOUNT_STATUS,
    createdAt: now().toISOString(),
  };
  return accounts.openOnce(candidate, { name, email });
}

export async function findBillingAccount(
  accounts: AccountRepository,
  patientId: string,
): Promise<BillingAccount | undefined> {
  return accounts.findByPatientId(validatePatientId(patientId));
}
