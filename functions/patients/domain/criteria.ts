/**
 * What a patient search asks for, in domain words: REST's `search`/`state` and FHIR's search parameters
 * both become these criteria, all of which a record must meet (AND). The repository serves the most
 * selective one from an index and checks the rest with `matchesCriteria` on the page it reads.
 */
import type { PatientRecord, SearchField } from './patient';
import { SEARCH_FIELDS, emailKey, searchTerms, stateKey } from './patient';
import type { Patient } from '../schemas';

/** A lowercased prefix that one of `fields` must start with (family: last; given: first; name: first or last). */
export interface PrefixMatch {
  prefix: string;
  fields: readonly SearchField[];
}

export type DateComparator = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

/** A date condition on the period [from, to] (inclusive YYYY-MM-DD) a searched date like `1980` or `1980-05` covers. */
export interface DateCondition {
  comparator: DateComparator;
  from: string;
  to: string;
}

export interface PatientCriteria {
  /** REST's `search`: lowercased prefix of first name, last name or email. */
  search?: string;
  /** Further prefixes, each to be met. */
  prefixes?: readonly PrefixMatch[];
  /** Normalised state (stateKey). */
  state?: string;
  /** Any of these genders. */
  genders?: readonly NonNullable<Patient['gender']>[];
  /** Every one of these conditions on dateOfBirth. */
  birthDate?: readonly DateCondition[];
  /** Exactly this record id. */
  id?: string;
  /** Exactly this email, case-insensitively (emailKey). */
  email?: string;
}

/** Every prefix a search must meet, REST's `search` (any of the three fields) first. */
export function prefixesOf(criteria: PatientCriteria): PrefixMatch[] {
  return [
    ...(criteria.search ? [{ prefix: criteria.search, fields: SEARCH_FIELDS }] : []),
    ...(criteria.prefixes ?? []),
  ];
}

/** True when the criteria need more than what a search entry carries (its terms and state). */
export function needsRecordCheck(criteria: PatientCriteria): boolean {
  return (
    !!criteria.genders?.length ||
    !!criteria.birthDate?.length ||
    criteria.id !== undefined ||
    criteria.email !== undefined
  );
}

/** The conditions a search entry can decide: the prefixes (on the patient's terms) and the state. */
export function matchesTerms(terms: Record<SearchField, string>, state: string, criteria: PatientCriteria): boolean {
  return (
    prefixesOf(criteria).every(({ prefix, fields }) => fields.some((field) => terms[field].startsWith(prefix))) &&
    (criteria.state === undefined || state === criteria.state)
  );
}

function meetsDate(date: string, { comparator, from, to }: DateCondition): boolean {
  switch (comparator) {
    case 'eq':
      return date >= from && date <= to;
    case 'lt':
      return date < from;
    case 'le':
      return date <= to;
    case 'gt':
      return date > to;
    case 'ge':
      return date >= from;
  }
}

export function matchesCriteria(patient: PatientRecord, criteria: PatientCriteria): boolean {
  return (
    matchesTerms(searchTerms(patient), stateKey(patient.address.state), criteria) &&
    (criteria.id === undefined || patient.id === criteria.id) &&
    (criteria.email === undefined || emailKey(patient.email) === criteria.email) &&
    (!criteria.genders?.length || (patient.gender !== undefined && criteria.genders.includes(patient.gender))) &&
    (criteria.birthDate ?? []).every((condition) => meetsDate(patient.dateOfBirth, condition))
  );
}
