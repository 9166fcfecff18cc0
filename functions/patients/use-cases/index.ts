/** The patient use cases: plain async functions taking ports. */
export {
  findPatients,
  listPatients,
  parseListQuery,
  DEFAULT_LIMIT,
  MAX_LIMIT,
  type ListQuery,
  type PatientSearch,
} from './list-patients';
export { getPatient } from './get-patient';
export { getPatientHistory, getPatientVersion } from './get-patient-history';
export { readAudit, readPatientAudit, type AuditListQuery } from './read-audit';
export { createPatient, type CreateRequest, type CreateResult } from './create-patient';
export { updatePatient, type UpdateRequest } from './update-patient';
export { deletePatient } from './delete-patient';
export { completePendingBilling, type BillingCompletion } from './complete-pending-billing';
