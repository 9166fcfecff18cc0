/** The patient entity's rules that are not field validation: identity keys, search terms, versions, ETags. */
import { createHash } from 'node:crypto';
import type { Patient, PatientInput } from '../schemas';

/** A stored patient: the public record plus the soft-delete mark. */
export interface PatientRecord extends Patient {
  deletedAt?: string;
}

export type SearchField = 'first' | 'last' | 'email';
export const SEARCH_FIELDS: readonly SearchField[] = ['first', 'last', 'email'];

/** Emails are unique and searched case-insensitively. */
export const emailKey = (email: string): string => email.trim().toLowerCase();

/** States are filtered case- and space-insensitively ("ca" finds "CA"). */
export const stateKey = (state: string): string => state.trim().toUpperCase();

/** The lowercased values a prefix search matches, per field. */
export function searchTerms(patient: Pick<Patient, 'firstName' | 'lastName' | 'email'>): Record<SearchField, string> {
  return {
    first: patient.firstName.toLowerCase(),
    last: patient.lastName.toLowerCase(),
    email: emailKey(patient.email),
  };
}

export function matchesSearch(patient: PatientRecord, prefix: string): boolean {
  return Object.values(searchTerms(patient)).some((term) => term.startsWith(prefix));
}

export const isDeleted = (patient: PatientRecord): boolean => patient.deletedAt !== undefined;

export const etagOf = (version: number): string => `"${version}"`;

/**
 * The versions an If-Match header accepts (RFC 9110 §13.1.1): undefined when absent or `*` (any
 * current version), else the versions of its strong tags (`"3"`, or a list `"3", "4"`; a bare `3` is
 * taken too). A weak tag (`W/"3"`) never matches under If-Match's strong comparison, nor does garbage:
 * both leave nothing to match, which ends in 412.
 */
export function expectedVersions(ifMatch: string | undefined): number[] | undefined {
  if (ifMatch === undefined) return undefined;
  const value = ifMatch.trim();
  if (value === '*' || value === '') return undefined;
  return value.split(',').flatMap((tag) => {
    const match = /^"?(\d{1,15})"?$/.exec(tag.trim());
    return match ? [Number(match[1])] : [];
  });
}

/**
 * The public record: exactly the contract's fields, in a fixed order (an allow-list, so no storage key or
 * soft-delete mark can leak, whatever the stored item holds).
 */
export function toPublic(r: PatientRecord): Patient {
  const { street, city, state, zipCode } = r.address;
  return {
    id: r.id,
    firstName: r.firstName,
    lastName: r.lastName,
    email: r.email,
    dateOfBirth: r.dateOfBirth,
    address: { street, city, state, zipCode },
    ...(r.phoneNumber !== undefined ? { phoneNumber: r.phoneNumber } : {}),
    ...(r.gender !== undefined ? { gender: r.gender } : {}),
    registeredDate: r.registeredDate,
    billingAccountId: r.billingAccountId ?? null,
    billingStatus: r.billingStatus,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * The versions a client sees, from the stored states newest first: one per `version`, as the record read
 * at the end of that version (with a billing activation made during it; a deletion is not a version of
 * its own, so a deleted record's last version reads as it did before the deletion).
 */
export function versionsOf(states: PatientRecord[]): PatientRecord[] {
  const seen = new Set<number>();
  return states.filter((state) => {
    if (isDeleted(state) || seen.has(state.version)) return false;
    seen.add(state.version);
    return true;
  });
}

/** A new patient from validated input: version 1, billing PENDING until the account is opened. */
export function newPatient(input: PatientInput, id: string, now: Date): PatientRecord {
  const at = now.toISOString();
  return {
    ...input,
    id,
    registeredDate: input.registeredDate ?? at.slice(0, 10),
    billingAccountId: null,
    billingStatus: 'PENDING',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** PUT replaces every client field; registeredDate is kept when omitted; billing fields are the server's. */
export function replacedPatient(current: PatientRecord, input: PatientInput, now: Date): PatientRecord {
  return {
    id: current.id,
    ...input,
    registeredDate: input.registeredDate ?? current.registeredDate,
    billingAccountId: current.billingAccountId,
    billingStatus: current.billingStatus,
    version: current.version + 1,
    createdAt: current.createdAt,
    updatedAt: now.toISOString(),
  };
}

/** A stable fingerprint of a request body, for Idempotency-Key reuse checks (key order does not matter). */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isPatientId = (value: string | undefined): value is string => value !== undefined && UUID.test(value);
