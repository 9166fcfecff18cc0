/**
 * DELETE /api/patients/{id}: soft delete (admin only). The record stays with deletedAt; its email and
 * search entries are freed. If-Match is honoured as by PUT: a stale tag → 412 and nothing is deleted.
 */
import { mayPerform } from '../domain/access';
import { forbidden, gone, notFound, versionMismatch } from '../domain/errors';
import { expectedVersions, isDeleted, isPatientId } from '../domain/patient';
import type { PatientPorts, RequestContext } from '../ports';
import { audited } from './audited';
import { lastWriterWins } from './lost-race';

export async function deletePatient(
  ports: PatientPorts,
  ctx: RequestContext,
  id: string | undefined,
  ifMatch?: string,
): Promise<void> {
  return audited(ports, ctx, 'DELETE', id, async () => {
    if (!mayPerform(ctx.caller.role, 'DELETE')) throw forbidden();
    if (!isPatientId(id)) throw notFound();
    const wanted = expectedVersions(ifMatch);
    // With If-Match a lost race is a stale tag (412); without, a fresh read decides again.
    return lastWriterWins(wanted, async () => {
      const current = await ports.patients.get(id);
      if (!current) throw notFound();
      if (isDeleted(current)) throw gone(); // REST answers 404 as for any unknown id, FHIR 410
      if (wanted !== undefined && !wanted.includes(current.version)) throw versionMismatch();
      // Conditional on the version read, so the email claim freed is the current one even if a PUT races.
      await ports.patients.softDelete(current, ports.clock.now());
      return { result: undefined };
    });
  });
}
