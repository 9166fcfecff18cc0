/**
 * GET /api/patients (a page of patients, optionally a prefix search and a state filter) and the searches of
 * other views (FHIR) through findPatients. Staff see all; a patient only their own record.
 */
import type { Caller } from '../../commons/caller';
import { mayPerform, ownRecordEmail, seesOnlyOwnRecord } from '../domain/access';
import { matchesCriteria, type PatientCriteria } from '../domain/criteria';
import { forbidden, invalidQuery } from '../domain/errors';
import { isDeleted, isPatientId, stateKey, toPublic, type PatientRecord } from '../domain/patient';
import type { PatientPorts, RequestContext } from '../ports';
import type { PatientPage } from '../schemas';
import { audited } from './audited';
import { parsePaging, resumeFrom } from './paging';

export { DEFAULT_LIMIT, MAX_LIMIT } from './paging';
const MAX_SEARCH = 254;
const MAX_STATE = 50;

export interface ListQuery {
  limit?: string;
  cursor?: string;
  search?: string;
  state?: string;
}

interface ParsedQuery {
  limit: number;
  search?: string;
  state?: string;
  cursor?: string;
}

export function parseListQuery(query: ListQuery): ParsedQuery {
  const { limit, cursor } = parsePaging(query);
  const search = query.search?.trim().toLowerCase() || undefined;
  if (search && search.length > MAX_SEARCH) throw invalidQuery('search', `Must be at most ${MAX_SEARCH} characters`);
  const state = query.state?.trim() ? stateKey(query.state) : undefined;
  if (state && state.length > MAX_STATE) throw invalidQuery('state', `Must be at most ${MAX_STATE} characters`);
  return { limit, search, state, cursor };
}

/** A cursor only resumes the query it came from: the scope binds it to the search and state. */
const scopeOf = (q: ParsedQuery) => JSON.stringify(['patients', q.search ?? null, q.state ?? null]);

export async function listPatients(ports: PatientPorts, ctx: RequestContext, query: ListQuery): Promise<PatientPage> {
  return findPatients(ports, ctx, () => {
    const parsed = parseListQuery(query);
    return { ...parsed, scope: scopeOf(parsed) };
  });
}

/** A search as a view of the API (REST or FHIR) parsed it: the criteria, the page size and the cursor's scope. */
export interface PatientSearch extends PatientCriteria {
  limit: number;
  cursor?: string;
  /** What binds a cursor to this search (a cursor of another search or view → 400). */
  scope: string;
}

/**
 * Patients meeting every criterion, a page at a time; audited LIST with the ids returned. `parse` reads the
 * request (called after the role check, so its errors are audited INVALID). Staff see every patient, a
 * patient-role caller only their own record; `id` and `email` are lookups by key, the rest served by indexes.
 */
export async function findPatients(
  ports: PatientPorts,
  ctx: RequestContext,
  parse: () => PatientSearch,
): Promise<PatientPage> {
  return audited(ports, ctx, 'LIST', undefined, async () => {
    if (!mayPerform(ctx.caller.role, 'LIST')) throw forbidden();
    const search = parse();
    const startKey = await resumeFrom(ports.cursors, search.cursor, search.scope);

    let patients: PatientRecord[];
    let nextCursor: string | null = null;
    if (seesOnlyOwnRecord(ctx.caller.role) || search.id !== undefined || search.email !== undefined) {
      const found = await lookUp(ports, ctx.caller, search);
      const visible = found && !isDeleted(found) && matchesCriteria(found, search);
      patients = visible && !startKey ? [found] : [];
    } else {
      const page = await ports.patients.page({ ...search, limit: search.limit, startKey });
      patients = page.patients;
      nextCursor = page.nextKey ? await ports.cursors.encode(page.nextKey, search.scope) : null;
    }
    return { result: { patients: patients.map(toPublic), nextCursor }, patientIds: patients.map((p) => p.id) };
  });
}

/** The one record a search can name: the caller's own (patient role), or the one with this id or email. */
async function lookUp(
  ports: PatientPorts,
  caller: Caller,
  search: PatientCriteria,
): Promise<PatientRecord | undefined> {
  if (seesOnlyOwnRecord(caller.role)) {
    const email = ownRecordEmail(caller);
    return email === undefined ? undefined : ports.patients.getByEmail(email);
  }
  if (search.id !== undefined) return isPatientId(search.id) ? ports.patients.get(search.id) : undefined;
  return search.email === undefined ? undefined : ports.patients.getByEmail(search.email);
}
