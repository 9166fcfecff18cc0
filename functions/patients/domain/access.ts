/** The role matrix of the contract. The authorizer only authenticates; this decides what a role may do. */
import type { Caller } from '../../commons/caller';
import type { Role } from '../../commons/roles';
import { PATIENT_ACTIONS, type PatientAction } from './audit';
import { emailKey } from './patient';

export { PATIENT_ACTIONS, type PatientAction };

const MATRIX: Record<Role, readonly PatientAction[]> = {
  admin: PATIENT_ACTIONS,
  // Clinicians do not read the audit trail: who saw a record is the admin's and the patient's business.
  clinician: ['LIST', 'READ', 'CREATE', 'UPDATE', 'HISTORY'],
  // A patient reads only their own record (see ownRecordEmail), its history and who saw it; writes are staff work.
  patient: ['LIST', 'READ', 'HISTORY', 'AUDIT_READ'],
};

export function mayPerform(role: Role, action: PatientAction): boolean {
  return MATRIX[role].includes(action);
}

/** The whole audit trail, across patients and users (GET /api/audit), is for admins only. */
export function mayReadWholeAudit(role: Role): boolean {
  return role === 'admin';
}

/** Whether the caller sees every patient, or only the one whose email is theirs. */
export function seesOnlyOwnRecord(role: Role): boolean {
  return role === 'patient';
}

/**
 * The email by which a patient-role caller's own record is found, or undefined while they have not
 * proved they own that address (a self-signed-up user must confirm the code mailed to it first).
 */
export function ownRecordEmail(caller: Caller): string | undefined {
  return caller.emailVerified ? emailKey(caller.email) : undefined;
}
