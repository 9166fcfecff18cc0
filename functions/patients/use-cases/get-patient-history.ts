/**
 * GET /api/patients/{id}/history: every version of the record, newest first. Staff read the history of a
 * deleted record too (as FHIR keeps a deleted resource's history readable: "what did it say before?");
 * a patient-role caller reads only their own live record's (others → 404, audited DENIED).
 */
import { mayPerform } from '../domain/access';
import { forbidden, PatientError } from '../domain/errors';
import { toPublic, versionsOf } from '../domain/patient';
import type { PatientPorts, RequestContext } from '../ports';
import type { Patient, PatientHistory } from '../schemas';
import { audited } from './audited';
import { readableRecord } from './readable-record';

export async function getPatientHistory(
  ports: PatientPorts,
  ctx: RequestContext,
  id: string | undefined,
): Promise<PatientHistory> {
  return audited(ports, ctx, 'HISTORY', id, async () => {
    if (!mayPerform(ctx.caller.role, 'HISTORY')) throw forbidden();
    const record = await readableRecord(ports.patients, ctx.caller, id, { deletedForStaff: true });
    const versions = versionsOf(await ports.patients.history(record.id));
    // A record stored before history was kept has no stored state yet: its current state is all there is.
    return { result: { versions: (versions.length > 0 ? versions : [record]).map(toPublic) } };
  });
}

/**
 * One version of the record (FHIR vread), audited as a history read: the same rules as the whole history.
 * `version` is what the client asked for; anything but a stored version → 404.
 */
export async function getPatientVersion(
  ports: PatientPorts,
  ctx: RequestContext,
  id: string | undefined,
  version: string | undefined,
): Promise<Patient> {
  return audited(ports, ctx, 'HISTORY', id, async () => {
    if (!mayPerform(ctx.caller.role, 'HISTORY')) throw forbidden();
    const record = await readableRecord(ports.patients, ctx.caller, id, { deletedForStaff: true });
    const wanted = version !== undefined && /^[1-9]\d{0,14}$/.test(version) ? Number(version) : undefined;
    const stored = wanted === undefined ? undefined : await ports.patients.version(record.id, wanted);
    // A record stored before history was kept has its current state as its only version.
    const found =
      stored ??
      (wanted === record.version && (await ports.patients.history(record.id)).length === 0 ? record : undefined);
    if (!found) throw new PatientError('NOT_FOUND', 'No such version of the patient');
    return { result: toPublic(found) };
  });
}
