/**
 * The single-table layout of the `patients` table (see ../README.md for the access patterns):
 *
 *   patient   pk PATIENT#<id>       sk PATIENT        gsi1 PATIENTS / <createdAt>#<id>       gsi2 STATE#<STATE> / <createdAt>#<id>
 *   email     pk EMAIL#<lower>      sk EMAIL          (uniqueness claim: patientId)
 *   search    pk PATIENT#<id>       sk SEARCH#<field> gsi1 SEARCH#<first char> / <value>#<field>#<id>
 *   version   pk PATIENT#<id>       sk VERSION#<version, 10 digits>#<revision>   (history: a copy of each stored state)
 *
 * A deleted patient keeps its item with deletedAt but loses its gsi keys (so no index lists it), its
 * email claim and its search entries.
 */
import {
  SEARCH_FIELDS,
  emailKey,
  searchTerms,
  stateKey,
  toPublic,
  type PatientRecord,
  type SearchField,
} from '../domain/patient';

export const PATIENT_SK = 'PATIENT';
export const EMAIL_SK = 'EMAIL';
export const LIST_PARTITION = 'PATIENTS';
/** The `entity` of the patient item: what tells it from the table's other items (in a stream too). */
export const PATIENT_ENTITY = 'PATIENT';
export const isPatientItem = (item: { entity?: unknown } | undefined): boolean => item?.entity === PATIENT_ENTITY;

export const patientPk = (id: string) => `PATIENT#${id}`;
export const emailPk = (email: string) => `EMAIL#${emailKey(email)}`;
export const statePartition = (state: string) => `STATE#${stateKey(state)}`;
export const searchSk = (field: SearchField) => `SEARCH#${field}`;
/** Search entries are spread over one partition per first character; a prefix query knows its character. */
export const searchPartition = (prefix: string) => `SEARCH#${Array.from(prefix)[0] ?? ''}`;

const INTERNAL = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'emailLower', 'entity', 'revision'] as const;

/** Attributes of the patient item; written whole on create and set field by field on update. */
export function patientAttributes(p: PatientRecord): Record<string, unknown> {
  const order = `${p.createdAt}#${p.id}`;
  return {
    ...p,
    entity: PATIENT_ENTITY,
    emailLower: emailKey(p.email),
    gsi1pk: LIST_PARTITION,
    gsi1sk: order,
    gsi2pk: statePartition(p.address.state),
    gsi2sk: order,
  };
}

export function patientItem(p: PatientRecord): Record<string, unknown> {
  return { pk: patientPk(p.id), sk: PATIENT_SK, ...patientAttributes(p) };
}

export function fromPatientItem(item: Record<string, unknown>): PatientRecord {
  const record = { ...item };
  for (const key of INTERNAL) delete record[key];
  return record as unknown as PatientRecord;
}

export function emailItem(p: PatientRecord): Record<string, unknown> {
  return { pk: emailPk(p.email), sk: EMAIL_SK, entity: 'EMAIL', patientId: p.id };
}

export interface SearchEntry {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  entity: 'SEARCH';
  patientId: string;
  field: SearchField;
  value: string;
  /** All three terms of the patient: a page keeps a patient only at its first matching entry (no duplicates). */
  terms: Record<SearchField, string>;
  state: string;
}

export function searchItems(p: PatientRecord): SearchEntry[] {
  const terms = searchTerms(p);
  return SEARCH_FIELDS.map((field) => ({
    pk: patientPk(p.id),
    sk: searchSk(field),
    gsi1pk: searchPartition(terms[field]),
    gsi1sk: `${terms[field]}#${field}#${p.id}`,
    entity: 'SEARCH',
    patientId: p.id,
    field,
    value: terms[field],
    terms,
    state: stateKey(p.address.state),
  }));
}

/**
 * Whether this search entry is the one that represents its patient in a prefix search: the first, in
 * index order, of the patient's entries that match. Entries of one patient that match one prefix share
 * its first character, hence one partition and one ordering, so every patient appears exactly once.
 * `fields`: the fields the prefix is searched in (FHIR's `family` is the last name only).
 */
export function isRepresentativeEntry(
  entry: SearchEntry,
  prefix: string,
  fields: readonly SearchField[] = SEARCH_FIELDS,
): boolean {
  if (!entry.value.startsWith(prefix) || !fields.includes(entry.field)) return false;
  const matching = fields
    .filter((field) => entry.terms[field].startsWith(prefix))
    .map((field) => `${entry.terms[field]}#${field}#${entry.patientId}`)
    // DynamoDB orders sort keys by their UTF-8 bytes.
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return matching[0] === entry.gsi1sk;
}

/**
 * What changed a stored state, in the order they can happen within one version: the client fields were
 * written (create, update), billing was activated (PENDING → ACTIVE keeps the version), the record was
 * deleted (keeps the version too). Each happens at most once per version, so each state has its own key.
 */
export type Revision = 'WRITTEN' | 'BILLING' | 'DELETED';
const REVISION_ORDER: Record<Revision, number> = { WRITTEN: 0, BILLING: 1, DELETED: 2 };

export const VERSION_PREFIX = 'VERSION#';
/** The sort-key prefix of one version's states (or of every version's, without a number). */
export const versionPrefix = (version?: number) =>
  version === undefined ? VERSION_PREFIX : `${VERSION_PREFIX}${String(version).padStart(10, '0')}#`;
export const versionSk = (version: number, revision: Revision) =>
  `${versionPrefix(version)}${REVISION_ORDER[revision]}`;

/**
 * A stored state of the record, written in the transaction that makes it: the public fields (and
 * deletedAt), no index keys (no list or search can return it) and entity VERSION, which stream readers
 * skip (only entity PATIENT is a patient change).
 */
export function versionItem(p: PatientRecord, revision: Revision): Record<string, unknown> {
  return {
    pk: patientPk(p.id),
    sk: versionSk(p.version, revision),
    entity: 'VERSION',
    revision,
    ...toPublic(p),
    ...(p.deletedAt ? { deletedAt: p.deletedAt } : {}),
  };
}
