/** DELETE /api/patients/{id}: soft delete (admin only). The record stays with deletedAt; its email and search entries are freed. */
import { mayPerform } from '../domain/access';
import { forbidden, notFound, PatientError } from '../domain/errors';
import { isDeleted, isPatientId } from '../domain/patient';
import type { PatientPorts, RequestContext } from '../ports';
import { audited } from './audited';

const ATTEMPTS = 5;

export async function deletePatient(ports: PatientPorts, ctx: RequestContext, id: string | undefined): Promise<void> {
  return audited(ports, ctx, 'DELETE', id, async () => {
    if (!mayPerform(ctx.caller.role, 'DELETE')) throw forbidden();
    if (!isPatientId(id)) throw notFound();
    for (let attempt = 1; ; attempt++) {
      const current = await ports.patients.get(id);
      if (!current || isDeleted(current)) throw notFound();
      try {
        // Conditional on the version read, so the email claim freed is the current one even if a PUT races.
        await ports.patients.softDelete(current, ports.clock.now());
        return { result: undefined };
      } catch (error) {
        if (!(error instanceof PatientError && error.kind === 'VERSION_MISMATCH') || attempt >= ATTEMPTS) throw error;
      }
    }
  });
}
