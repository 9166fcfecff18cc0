/** The role matrix of the contract. The authorizer only authenticates; this decides what a role may do. */
import type { Caller, Role } from '../../commons/caller';
import { emailKey } from './patient';

export type PatientAction = 'LIST' | 'READ' | 'CREATE' | 'UPDATE' | 'DELETE';

const MATRIX: Record<Role, readonly PatientAction[]> = {
  admin: ['LIST', 'READ', 'CREATE', 'UPDATE', 'DELETE'],
  clinician: ['LIST', 'READ', 'CREATE', 'UPDATE'],
  // A patient lists and reads only their own record (see ownsRecord); writes are staff work.
  patient: ['LIST', 'READ'],
};

export function mayPerform(role: Role, action: PatientAction): boolean {
  return MATRIX[role].includes(action);
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
