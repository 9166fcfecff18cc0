/**
 * The record a read names, as the caller may see it. Unknown ids and deleted records answer 404 (staff may
 * be let through to a deleted record's history and audit); a patient-role caller sees only their own live
 * record, and any other answers 404 audited DENIED: 404 rather than 403, so no one learns that it exists.
 */
import type { Caller } from '../../commons/caller';
import { ownRecordEmail, seesOnlyOwnRecord } from '../domain/access';
import { gone, notFound } from '../domain/errors';
import { emailKey, isDeleted, isPatientId, type PatientRecord } from '../domain/patient';
import type { PatientRepository } from '../ports';

export async function readableRecord(
  patients: PatientRepository,
  caller: Caller,
  id: string | undefined,
  options: { deletedForStaff: boolean } = { deletedForStaff: false },
): Promise<PatientRecord> {
  if (!isPatientId(id)) throw notFound();
  const record = await patients.get(id);
  if (!record) throw notFound();
  const ownOnly = seesOnlyOwnRecord(caller.role);
  // A deleted record is gone for staff (FHIR: 410); to a patient-role caller it is as unknown as any other.
  if (isDeleted(record) && ownOnly) throw notFound();
  if (isDeleted(record) && !options.deletedForStaff) throw gone();
  if (ownOnly && emailKey(record.email) !== ownRecordEmail(caller)) throw notFound('DENIED');
  return record;
}
