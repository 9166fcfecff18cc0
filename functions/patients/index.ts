/** What other contexts use from the patient service. */
export { completePendingBilling, type BillingCompletion } from './use-cases/complete-pending-billing';
export { billingCompletionPorts } from './ports-from-env';
export { seedDemoPatients } from './seed';
export { PatientInput, Patient, PatientPage } from './schemas';
