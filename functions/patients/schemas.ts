/**
 * The patient payloads: one zod schema per payload. The handler validates with them and the OpenAPI
 * registry publishes them under these names (PatientInput, Patient, PatientPage, PatientHistory, AuditEntry, AuditPage).
 */
import * as z from '../commons/zod';
import { ROLES } from '../commons/roles';
import { emailAddress } from '../commons/email';
import { PATIENT_ACTIONS } from './domain/audit';

export const GENDERS = ['male', 'female', 'other', 'unknown'] as const;
export const BILLING_STATUSES = ['ACTIVE', 'PENDING'] as const;
export const EARLIEST_DATE = '1900-01-01';

/** Today's date (UTC) as YYYY-MM-DD. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const PHONE_PATTERN = /^[0-9 +\-()]{7,20}$/;

/** True for a real calendar date written YYYY-MM-DD (no 2023-02-30, no 2023-13-01). */
export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// Control characters (C0, DEL, C1) and line or paragraph separators belong in no name or address: billing, logs
// and exports refuse or mangle them; the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069)
// make a name display as another.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const text = (min: number, max: number) =>
  z.string().check(
    z.trim(),
    z.minLength(min, `Must be at least ${min} character${min === 1 ? '' : 's'}`),
    z.maxLength(max, `Must be at most ${max} characters`),
    z.refine((value) => !CONTROL_CHARACTERS.test(value), 'Must not contain control characters'),
  );

/** A YYYY-MM-DD date that exists, is not before 1900-01-01 and not after today (UTC; `today` is injectable for tests). */
const pastDate = (today: () => string) =>
  z.string().check(
    z.refine(isCalendarDate, 'Must be a real calendar date (YYYY-MM-DD)'),
    z.refine((v) => !isCalendarDate(v) || v >= EARLIEST_DATE, `Must not be before ${EARLIEST_DATE}`),
    z.refine((v) => !isCalendarDate(v) || v <= today(), 'Must not be in the future'),
    z.meta({ format: 'date', description: `YYYY-MM-DD: a real calendar date, from ${EARLIEST_DATE} to today (UTC)` }),
  );

export const Address = z.strictObject({
  street: text(1, 200),
  city: text(1, 100),
  state: text(1, 50),
  zipCode: text(1, 20),
});

/** PatientInput with an injectable "today", so the date rules can be tested at their boundaries. */
export function patientInputSchema(today: () => string = todayUtc) {
  return z
    .strictObject({
      firstName: text(1, 100),
      lastName: text(1, 100),
      email: emailAddress().check(
        z.meta({ format: 'email', description: 'Unique among patients not deleted, case-insensitively' }),
      ),
      dateOfBirth: pastDate(today),
      address: Address,
      phoneNumber: z.optional(
        z.string().check(z.regex(PHONE_PATTERN, 'Must be 7-20 characters of digits, spaces and + - ( )')),
      ),
      gender: z.optional(z.enum(GENDERS, `Must be one of ${GENDERS.join(', ')}`)),
      registeredDate: z.optional(pastDate(today)),
    })
    .check(
      z.meta({
        description: 'A patient as a client writes it (POST and PUT). registeredDate defaults to today (UTC).',
      }),
    );
}

export const PatientInput = patientInputSchema();
export type PatientInput = z.infer<typeof PatientInput>;

export const Patient = z
  .strictObject({
    id: z.uuid(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.email(),
    dateOfBirth: z.iso.date(),
    address: Address,
    phoneNumber: z.optional(z.string()),
    gender: z.optional(z.enum(GENDERS)),
    registeredDate: z.iso.date(),
    billingAccountId: z.nullable(z.string()),
    billingStatus: z.enum(BILLING_STATUSES),
    version: z.number().check(z.int(), z.minimum(1)),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .check(z.meta({ description: 'A patient record; its ETag is "<version>".' }));
export type Patient = z.infer<typeof Patient>;

export const PatientPage = z
  .strictObject({
    patients: z.array(Patient),
    nextCursor: z.nullable(z.string()),
  })
  .check(
    z.meta({
      description:
        'One page of patients, oldest first (by createdAt, then id); with `search`, in the order of the matching first ' +
        'name, last name or email (lowercased). Pass nextCursor back as `cursor` for the next page (null on the last page).',
    }),
  );
export type PatientPage = z.infer<typeof PatientPage>;

export const PatientHistory = z
  .strictObject({
    versions: z.array(Patient),
  })
  .check(
    z.meta({
      description:
        'Every version of the record, newest first, one per `version`: each as the record read at the end of that version ' +
        '(a billing activation keeps the version; so does a deletion, which is not a version of its own). Staff also read a deleted ' +
        "record's history (as FHIR keeps it); a patient only their own live record's.",
    }),
  );
export type PatientHistory = z.infer<typeof PatientHistory>;

export const AuditEntry = z
  .strictObject({
    id: z.uuid(),
    at: z.iso.datetime(),
    actorId: z.string().check(z.meta({ description: 'The user who made the request' })),
    actorRole: z.enum(ROLES),
    action: z
      .enum(PATIENT_ACTIONS)
      .check(z.meta({ description: 'HISTORY: a history read; AUDIT_READ: a read of the audit trail itself' })),
    patientId: z
      .nullable(z.uuid())
      .check(z.meta({ description: 'The record acted on; null for lists and for audit reads across patients' })),
    outcome: z.enum(['SUCCESS', 'DENIED']).check(
      z.meta({
        description:
          'DENIED: refused (403, or 404 hiding an existing record). Requests that failed without touching a record ' +
          '(unknown or deleted record, conflict, stale If-Match, invalid input) are kept in the trail but not listed here.',
      }),
    ),
    requestId: z.string(),
  })
  .check(
    z.meta({
      description:
        'One audited request: ids and outcome only, never field values. Entries are never changed or removed.',
    }),
  );
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z
  .strictObject({
    entries: z.array(AuditEntry),
    nextCursor: z.nullable(z.string()),
  })
  .check(
    z.meta({
      description:
        'Audit entries newest first; pass nextCursor back as `cursor` for the next page (null on the last page).',
    }),
  );
export type AuditPage = z.infer<typeof AuditPage>;
