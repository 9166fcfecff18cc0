/** GET /api/patients/{id}. A patient-role caller reads only their own record; any other answers 404 (audited DENIED). */
import { mayPerform } from '../domain/access';
import { forbidden } from '../domain/errors';
import { toPublic } from '../domain/patient';
import type { PatientPorts, RequestContext } from '../ports';
import type { Patient } from '../schemas';
import { audited } from './audited';
import { readableRecord } from './readable-record';

export async function getPatient(ports: PatientPorts, ctx: RequestContext, id: string | undefined): Promise<Patient> {
  return audited(ports, ctx, 'READ', id, async () => {
    if (!mayPerform(ctx.caller.role, 'READ')) throw forbidden();
    return { result: toPublic(await readableRecord(ports.patients, ctx.caller, id)) };
  });
}
