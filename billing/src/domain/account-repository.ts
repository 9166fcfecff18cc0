/** Where billing accounts live (port); the DynamoDB adapter implements it. */
import type { BillingAccount, BillingContact } from './billing-account';

export interface AccountRepository {
  /**
   * Stores `account` unless the patient already has one, atomically. Returns the patient's account:
   * the new one (`created: true`) or the one stored before (`created: false`).
   */
  openOnce(account: BillingAccount, contact: BillingContact): Promise<{ account: BillingAccount; created: boolean }>;
  findByPatientId(patientId: string): Promise<BillingAccount | undefined>;
}
