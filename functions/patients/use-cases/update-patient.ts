/**
 * PUT /api/patients/{id}: replaces the client fields. The write is conditional on the stored version
 * (If-Match's, or the one just read), so of N racing PUTs with one If-Match exactly one succeeds and the
 * others get 412. Without If-Match a lost race is retried on a fresh read (last writer wins).
 */
import { mayPerform } from '../domain/access';
import { forbidden, gone, notFound, versionMismatch } from '../domain/errors';
import { expectedVersions, isDeleted, isPatientId, replacedPatient, toPublic } from '../domain/patient';
import type { PatientPorts, RequestContext } from '../ports';
import type { Patient, PatientInput } from '../schemas';
import { audited } from './audited';
import { lastWriterWins } from './lost-race';

export interface UpdateRequest {
  id: string | undefined;
  input: () => PatientInput;
  ifMatch?: string;
}

export async function updatePatient(
  ports: PatientPorts,
  ctx: RequestContext,
  request: UpdateRequest,
): Promise<Patient> {
  return audited(ports, ctx, 'UPDATE', request.id, async () => {
    if (!mayPerform(ctx.caller.role, 'UPDATE')) throw forbidden();
    const input = request.input();
    const id = request.id;
    if (!isPatientId(id)) throw notFound();
    const wanted = expectedVersions(request.ifMatch);

    return lastWriterWins(wanted, async () => {
      const current = await ports.patients.get(id);
      if (!current) throw notFound();
      if (isDeleted(current)) throw gone(); // REST answers 404 as for any unknown id, FHIR 410
      // A consistent read already newer than If-Match: stale. The conditional write below decides the races.
      if (wanted !== undefined && !wanted.includes(current.version)) throw versionMismatch();
      const next = replacedPatient(current, input, ports.clock.now());
      return { result: toPublic(await ports.patients.replace(next, current.version, current.email)) };
    });
  });
}
