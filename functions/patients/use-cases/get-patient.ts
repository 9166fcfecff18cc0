/** GET /api/patients/{id}. A patient-role caller reads only their own record; any other answers 404 (audited DENIED). */
import { mayPerform, ownRecordEmail, seesOnlyOwnRecord } from '../domain/access';
import { forbidden, notFound } from '../domain/errors';
import { emailKey, isDeleted, isPatientId, toPublic } from '../domain/patient';
import type { PatientPorts, RequestContext } from '../ports';
import type { Patient } from '../schemas';
import { audited } from './audited';

export async function getPatient(ports: PatientPorts, ctx: RequestContext, id: string | undefined): Promise<Patient> {
  return audited(ports, ctx, 'READ', id, async () => {
    if (!mayPerform(ctx.caller.role, 'READ')) throw forbidden();
    if (!isPatientId(id)) throw notFound();
    const record = await ports.patients.get(id);
    if (!record || isDeleted(record)) throw notFound();
    // 404 rather than 403: a patient must not learn that another record exists.
    if (seesOnlyOwnRecord(ctx.caller.role) && emailKey(record.email) !== ownRecordEmail(ctx.caller)) throw notFound('DENIED');
    return { result: toPublic(record) };
  });
}
