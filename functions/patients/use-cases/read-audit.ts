/**
 * Reading the audit trail, newest first; each read is itself audited (AUDIT_READ).
 * - GET /api/patients/{id}/audit: who saw or changed one record (admin: any record, deleted ones too; a
 *   patient: their own live record, HIPAA's accounting of disclosures; clinician → 403).
 * - GET /api/audit: every entry, filtered by patient, user, action and time (admin only).
 * The API shows SUCCESS and DENIED entries (domain/audit.ts); nothing here, or anywhere, changes an entry.
 */
import { isCalendarDate, type AuditEntry, type AuditPage } from '../schemas';
import { mayPerform, mayReadWholeAudit, PATIENT_ACTIONS, type PatientAction } from '../domain/access';
import { REPORTED_OUTCOMES, reportedOutcome } from '../domain/audit';
import { forbidden, invalidQuery } from '../domain/errors';
import { isPatientId } from '../domain/patient';
import type { AuditQuery, PatientPorts, RequestContext, StoredAuditRecord } from '../ports';
import { audited } from './audited';
import { parsePaging, resumeFrom, type Paging } from './paging';
import { readableRecord } from './readable-record';

export interface AuditListQuery {
  patientId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
}

interface Filters {
  patientId?: string;
  actorId?: string;
  action?: PatientAction;
  from?: string;
  to?: string;
}

const MAX_ACTOR_ID = 128;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export async function readPatientAudit(
  ports: PatientPorts,
  ctx: RequestContext,
  id: string | undefined,
  query: AuditListQuery,
): Promise<AuditPage> {
  return audited(ports, ctx, 'AUDIT_READ', id, async () => {
    if (!mayPerform(ctx.caller.role, 'AUDIT_READ')) throw forbidden();
    const paging = parsePaging(query);
    const record = await readableRecord(ports.patients, ctx.caller, id, { deletedForStaff: true });
    return { result: await auditPage(ports, { patientId: record.id }, paging, ['patient-audit', record.id]) };
  });
}

export async function readAudit(ports: PatientPorts, ctx: RequestContext, query: AuditListQuery): Promise<AuditPage> {
  // A read narrowed to one patient is a read of that patient's accounting: it is recorded there too.
  return audited(ports, ctx, 'AUDIT_READ', query.patientId, async () => {
    if (!mayReadWholeAudit(ctx.caller.role)) throw forbidden();
    const paging = parsePaging(query);
    const filters = parseFilters(query);
    const scope = ['audit', filters.patientId, filters.actorId, filters.action, filters.from, filters.to];
    return { result: await auditPage(ports, filters, paging, scope) };
  });
}

/** The filters of GET /api/audit; a bad one → 400 naming it. `from` and `to` take a date (the whole day) or a date-time. */
export function parseFilters(query: AuditListQuery): Filters {
  const filters: Filters = {};
  if (query.patientId !== undefined) {
    if (!isPatientId(query.patientId)) throw invalidQuery('patientId', 'Must be a patient id (a UUID)');
    filters.patientId = query.patientId;
  }
  if (query.actorId !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(query.actorId) || query.actorId.length > MAX_ACTOR_ID) {
      throw invalidQuery('actorId', `Must be a user id: 1-${MAX_ACTOR_ID} visible ASCII characters`);
    }
    filters.actorId = query.actorId;
  }
  if (query.action !== undefined) {
    if (!(PATIENT_ACTIONS as readonly string[]).includes(query.action))
      throw invalidQuery('action', `Must be one of ${PATIENT_ACTIONS.join(', ')}`);
    filters.action = query.action as PatientAction;
  }
  if (query.from !== undefined) filters.from = instant('from', query.from, 'start');
  if (query.to !== undefined) filters.to = instant('to', query.to, 'end');
  if (filters.from && filters.to && filters.from > filters.to) throw invalidQuery('to', 'Must not be before from');
  return filters;
}

/** An ISO date (its first or last millisecond, UTC) or date-time (any offset), as the UTC instant entries carry. */
function instant(name: string, value: string, end: 'start' | 'end'): string {
  if (isCalendarDate(value)) return `${value}T${end === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`;
  const ms = DATE_TIME.test(value) && isCalendarDate(value.slice(0, 10)) ? Date.parse(value) : Number.NaN;
  const iso = Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  if (!iso || !/^\d{4}-/.test(iso))
    throw invalidQuery(name, 'Must be an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ)');
  return iso;
}

async function auditPage(
  ports: PatientPorts,
  filters: Filters,
  paging: Paging,
  scope: (string | undefined)[],
): Promise<AuditPage> {
  const cursorScope = JSON.stringify(scope.map((part) => part ?? null));
  const start = await resumeFrom(ports.cursors, paging.cursor, cursorScope);
  if (start && typeof start.sk !== 'string')
    throw invalidQuery('cursor', 'Not a cursor this API issued for this query');
  const query: AuditQuery = { ...filters, outcomes: REPORTED_OUTCOMES, limit: paging.limit, before: start?.sk };
  const page = await ports.audit.page(query);
  return {
    entries: page.records.flatMap(toEntry),
    nextCursor: page.next === null ? null : await ports.cursors.encode({ sk: page.next }, cursorScope),
  };
}

function toEntry(record: StoredAuditRecord): AuditEntry[] {
  const outcome = reportedOutcome(record.outcome);
  if (!outcome) return [];
  return [
    {
      id: record.id,
      at: record.at,
      actorId: record.userId,
      actorRole: record.role as AuditEntry['actorRole'],
      action: record.action,
      patientId: record.patientId ?? null,
      outcome,
      requestId: record.requestId,
    },
  ];
}
