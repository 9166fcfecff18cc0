/** What other contexts use from the patient service. */
export { completePendingBilling, type BillingCompletion } from './use-cases/complete-pending-billing';
export { billingCompletionPorts } from './ports-from-env';
export { seedDemoPatients } from './seed';
export { PatientInput, Patient, PatientPage } from './schemas';
// For the billing routes (functions/billing): the same record lookup, role rules and audit trail.
export { DynamoPatientRepository } from './adapters/dynamo-patient-repository';
export { DynamoAuditLog } from './adapters/dynamo-audit-log';
export { auditShards } from './adapters/audit-items';
export { audited } from './use-cases/audited';
export { mayPerform, ownRecordEmail, seesOnlyOwnRecord, type PatientAction } from './domain/access';
export { emailKey, isDeleted, isPatientId, type PatientRecord } from './domain/patient';
export { forbidden, notFound, PatientError, type AuditOutcome, type PatientErrorKind } from './domain/errors';
export { PROBLEM_OF as PATIENT_PROBLEM_OF } from './http-status';
export { isCalendarDate, todayUtc } from './schemas';
export type { AuditLog, Clock, PatientRepository, RequestContext } from './ports';
