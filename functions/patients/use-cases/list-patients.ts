/** GET /api/patients: a page of patients, optionally a prefix search and a state filter. Staff see all; a patient only their own record. */
import { mayPerform, ownRecordEmail, seesOnlyOwnRecord } from '../domain/access';
import { forbidden, invalidQuery } from '../domain/errors';
import { matchesSearch, stateKey, toPublic, type PatientRecord } from '../domain/patient';
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

interface ParsedQuery { limit: number; search?: string; state?: string; cursor?: string }

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
  return audited(ports, ctx, 'LIST', undefined, async () => {
    if (!mayPerform(ctx.caller.role, 'LIST')) throw forbidden();
    const parsed = parseListQuery(query);
    const scope = scopeOf(parsed);
    const startKey = await resumeFrom(ports.cursors, parsed.cursor, scope);

    let patients: PatientRecord[];
    let nextCursor: string | null = null;
    if (seesOnlyOwnRecord(ctx.caller.role)) {
      const email = ownRecordEmail(ctx.caller);
      const own = email === undefined ? undefined : await ports.patients.getByEmail(email);
      const visible = own && (!parsed.search || matchesSearch(own, parsed.search)) && (!parsed.state || stateKey(own.address.state) === parsed.state);
      patients = visible && !startKey ? [own] : [];
    } else {
      const page = await ports.patients.page({ limit: parsed.limit, startKey, search: parsed.search, state: parsed.state });
      patients = page.patients;
      nextCursor = page.nextKey ? await ports.cursors.encode(page.nextKey, scope) : null;
    }
    return { result: { patients: patients.map(toPublic), nextCursor }, patientIds: patients.map((p) => p.id) };
  });
}
