/**
 * The single-table layout of the `patients` table (see ../README.md for the access patterns):
 *
 *   patient   pk PATIENT#<id>       sk PATIENT        gsi1 PATIENTS#<list shard> / <createdAt>#<id>
 *                                                     gsi2 STATE#<STATE>#<list shard> / <createdAt>#<id>
 *   email     pk EMAIL#<lower>      sk EMAIL          (uniqueness claim: patientId)
 *   search    pk PATIENT#<id>       sk SEARCH#<field> gsi1 SEARCH#<first char>#<search shard> / <value>#<field>#<id>
 *   version   pk PATIENT#<id>       sk VERSION#<version, 10 digits>#<revision>   (history: a copy of each stored state)
 *
 * The index partitions are write-sharded: a patient's shard is a hash of its id mod N (`patientShard`), so
 * no partition key takes more than ~1/N of the writes to its listing, its state or its initial, and a
 * listing queries the N shards side by side and merges them by sort key (./merged-query.ts). These
 * builders are the one place that sets the index keys. A deleted patient keeps its item with deletedAt
 * but loses its gsi keys (so no index lists it), its email claim and its search entries.
 *
 * No data was ever stored with the earlier unsharded keys (`PATIENTS`, `STATE#<STATE>`, `SEARCH#<char>`)
 * outside tests and local runtimes (the product has no deployed production data), so there is no
 * migration: a local data folder from before this layout is simply recreated.
 */
import { createHash } from 'node:crypto';
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
/** The `entity` of the patient item: what tells it from the table's other items (in a stream too). */
export const PATIENT_ENTITY = 'PATIENT';
export const isPatientItem = (item: { entity?: unknown } | undefined): boolean => item?.entity === PATIENT_ENTITY;

/**
 * Write shards per index partition. The design load is 10,000 patient writes/s; DynamoDB takes ~1,000
 * write units/s per partition key. N may grow (readers query shards 0..N-1, and every item stays where
 * it was written until its next write), never shrink: items in shards at or above N would not be listed.
 * Every function that writes patients must run with the same counts.
 *
 * - `list` (gsi1 `PATIENTS#<n>` and gsi2 `STATE#<STATE>#<n>`): every write of a patient item (create,
 *   update, billing activation, delete) writes both indexes (they project every attribute), up to 2 write
 *   units for an item near its largest. 32 shards keep each at ~310 writes/s (≤ 625 units) even when every
 *   patient lives in one state, with room for the hash's unevenness.
 * - `search` (gsi1 `SEARCH#<char>#<n>`): three entries per create, update and delete, in the partitions of
 *   their first characters. Real initials are uneven (a common one takes ~30% of the entries, ~3,000
 *   writes/s), and a population whose names and emails share one initial would put all 30,000 writes/s in
 *   one: 64 shards keep even that at ~470 writes/s each.
 *
 * The cost is on reads: a page queries every shard (each query at least half a read unit), so a shard
 * sees every listing of its index; see ../README.md (Scale notes).
 */
export interface PatientShards {
  list: number;
  search: number;
}
export const DEFAULT_PATIENT_SHARDS: PatientShards = { list: 32, search: 64 };

/** The shard counts: PATIENT_LIST_SHARDS and PATIENT_SEARCH_SHARDS, else the defaults above. */
export function patientShards(env: NodeJS.ProcessEnv = process.env): PatientShards {
  const read = (name: string, fallback: number) => {
    const value = env[name] ? Number(env[name]) : fallback;
    if (!Number.isInteger(value) || value < 1 || value > 1024) throw new Error(`${name} must be an integer 1–1024`);
    return value;
  };
  return {
    list: read('PATIENT_LIST_SHARDS', DEFAULT_PATIENT_SHARDS.list),
    search: read('PATIENT_SEARCH_SHARDS', DEFAULT_PATIENT_SHARDS.search),
  };
}

/** A patient's write shard among `shards`: the first 32 bits of a SHA-256 of its id (any id spreads evenly). */
export function patientShard(id: string, shards: number): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % shards;
}

/** Shards 0..N-1: what a listing queries. */
export const everyShard = (shards: number): number[] => Array.from({ length: shards }, (_, shard) => shard);

export const patientPk = (id: string) => `PATIENT#${id}`;
export const emailPk = (email: string) => `EMAIL#${emailKey(email)}`;
/** The listing of every patient, one partition per shard. */
export const listPartition = (shard: number) => `PATIENTS#${shard}`;
/** The shard number comes last: a state may hold `#`, a shard never does, so no two states share a key. */
export const statePartition = (state: string, shard: number) => `STATE#${stateKey(state)}#${shard}`;
export const searchSk = (field: SearchField) => `SEARCH#${field}`;
/** Search entries are spread over one partition per first character and shard; a prefix query knows its character. */
export const searchPartition = (prefix: string, shard: number) => `SEARCH#${Array.from(prefix)[0] ?? ''}#${shard}`;

const INTERNAL = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'emailLower', 'entity', 'revision'] as const;

/**
 * Attributes of the patient item; written whole on create and set field by field on update. Listings are
 * ordered by `<createdAt>#<id>`: oldest first, ties by id.
 */
export function patientAttributes(p: PatientRecord, shards: PatientShards = patientShards()): Record<string, unknown> {
  const order = `${p.createdAt}#${p.id}`;
  const shard = patientShard(p.id, shards.list);
  return {
    ...p,
    entity: PATIENT_ENTITY,
    emailLower: emailKey(p.email),
    gsi1pk: listPartition(shard),
    gsi1sk: order,
    gsi2pk: statePartition(p.address.state, shard),
    gsi2sk: order,
  };
}

export function patientItem(p: PatientRecord, shards: PatientShards = patientShards()): Record<string, unknown> {
  return { pk: patientPk(p.id), sk: PATIENT_SK, ...patientAttributes(p, shards) };
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

/** The three search entries of a patient, all in its search shard (so they share one order: see below). */
export function searchItems(p: PatientRecord, shards: PatientShards = patientShards()): SearchEntry[] {
  const terms = searchTerms(p);
  const shard = patientShard(p.id, shards.search);
  return SEARCH_FIELDS.map((field) => ({
    pk: patientPk(p.id),
    sk: searchSk(field),
    gsi1pk: searchPartition(terms[field], shard),
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
 * its first character and the patient's shard, hence one partition; and a search merges the shards in
 * that same order (by UTF-8 bytes), so every patient appears exactly once.
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
