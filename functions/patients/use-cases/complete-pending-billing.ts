/**
 * Opens the billing account of a PENDING patient and marks it ACTIVE. Called on create, and later by the
 * stream's pending-billing reader for patients whose account could not be opened in time.
 *
 * `version` is NOT incremented: billing fields are server-managed and PUT cannot write them, so a client's
 * If-Match taken before the account opened stays valid (no surprise 412), and the publisher can tell a
 * client update (version increased) from a billing completion (same version, billingStatus → ACTIVE).
 * CreateBillingAccount is idempotent per patient id, so a retry or a race never opens a second account;
 * the conditional PENDING → ACTIVE update makes the second writer a no-op.
 */
import { isDeleted, type PatientRecord } from '../domain/patient';
import type { BillingPort, PatientRepository } from '../ports';

export type BillingCompletion = 'ACTIVATED' | 'ALREADY_ACTIVE' | 'NOT_FOUND' | 'DELETED';

/** Opens the account and records it; returns the account id, or undefined when someone else already recorded one. */
export async function openBillingAccount(
  ports: { patients: PatientRepository; billing: BillingPort },
  patient: PatientRecord,
): Promise<string | undefined> {
  const { accountId } = await ports.billing.openAccount({
    patientId: patient.id,
    name: `${patient.firstName} ${patient.lastName}`,
    email: patient.email,
  });
  const activated = await ports.patients.activateBilling(patient, accountId);
  return activated ? accountId : undefined;
}

/**
 * Completes billing for one patient. Rejects when billing cannot be reached, so the caller (a stream
 * batch) retries; resolves with what happened otherwise. Deleted patients get no account.
 */
export async function completePendingBilling(
  patientId: string,
  ports: { patients: PatientRepository; billing: BillingPort },
): Promise<BillingCompletion> {
  const patient = await ports.patients.get(patientId);
  if (!patient) return 'NOT_FOUND';
  if (isDeleted(patient)) return 'DELETED';
  if (patient.billingStatus === 'ACTIVE') return 'ALREADY_ACTIVE';
  return (await openBillingAccount(ports, patient)) ? 'ACTIVATED' : 'ALREADY_ACTIVE';
}
