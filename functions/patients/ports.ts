/**
 * The ports of the patient use cases: small interfaces the adapters (DynamoDB, gRPC, crypto) implement.
 * Use cases receive them as arguments and never import an adapter.
 */
import type { Clock, IdGenerator } from '../commons/clock';
import type { AuditOutcome } from './domain/errors';
import type { PatientAction } from './domain/access';
import type { PatientCriteria } from './domain/criteria';
import type { PatientRecord } from './domain/patient';

/** A storage position to resume a listing from; opaque to the use cases. */
export type PageKey = Record<string, string>;

/** A page of the patients that meet every criterion (domain/criteria.ts). */
export interface PageRequest extends PatientCriteria {
  limit: number;
  startKey?: PageKey;
}

export interface Page {
  patients: PatientRecord[];
  /** Where the next page starts, or null on the last page. */
  nextKey: PageKey | null;
}

export interface PatientRepository {
  /** The stored record, deleted or not; undefined when there never was one. */
  get(id: string): Promise<PatientRecord | undefined>;
  /** The non-deleted patient with this email (case-insensitive). */
  getByEmail(email: string): Promise<PatientRecord | undefined>;
  /** One page of non-deleted patients meeting the request's criteria (but id and email: lookups by key), in a stable order. */
  page(request: PageRequest): Promise<Page>;
  /** Stores a new patient with its email claim atomically; throws EMAIL_TAKEN. */
  create(patient: PatientRecord): Promise<void>;
  /**
   * Replaces the client fields when the stored version still equals `expectedVersion` (a conditional
   * write), swapping the email claim when the email changed; throws VERSION_MISMATCH, NOT_FOUND, GONE (deleted
   * meanwhile), EMAIL_TAKEN or CONTENDED (other transactions kept meeting it).
   * Returns the record as stored (billing fields as they are now, should billing have been activated meanwhile).
   */
  replace(next: PatientRecord, expectedVersion: number, previousEmail: string): Promise<PatientRecord>;
  /** Marks the patient deleted and frees its email and search entries atomically; throws VERSION_MISMATCH, NOT_FOUND, GONE or CONTENDED. */
  softDelete(current: PatientRecord, at: Date): Promise<void>;
  /**
   * PENDING → ACTIVE with the account id, on top of the stored record `patient` was read as; false when the
   * patient is not PENDING (any more) or is deleted. Leaves `version` alone.
   */
  activateBilling(patient: PatientRecord, accountId: string): Promise<boolean>;
  /**
   * Every stored state of the record, newest first, each kept by the write that made it (in its transaction):
   * create and update (a new version each), billing activation and deletion (same version; deletedAt set).
   */
  history(id: string): Promise<PatientRecord[]>;
  /** The record as it read at `version`: its last state before any deletion; undefined for a version never stored. */
  version(id: string, version: number): Promise<PatientRecord | undefined>;
}

/** One audited request: who, what, on which record, how it ended. Ids and outcomes only, never field values. */
export interface AuditRecord {
  action: PatientAction;
  /** What was acted on when not the patient record itself: its billing account and transactions. */
  resource?: 'BILLING';
  outcome: AuditOutcome;
  userId: string;
  role: string;
  /** The patient acted on (reads and writes); absent for lists. */
  patientId?: string;
  /** For lists: which patients were returned (ids only, never field values). */
  patientIds?: string[];
  requestId: string;
  at: string;
}

export interface StoredAuditRecord extends Omit<AuditRecord, 'patientIds'> {
  id: string;
}

/** Entries newest first: one patient's, or one user's, or everyone's; bounds are sort positions (`<at>#<id>`). */
export interface AuditQuery {
  patientId?: string;
  actorId?: string;
  action?: PatientAction;
  /** Only entries with these outcomes. */
  outcomes: readonly AuditOutcome[];
  /** ISO instants, inclusive. */
  from?: string;
  to?: string;
  /** Resume strictly below this position (the `next` of the previous page). */
  before?: string;
  limit: number;
}

export interface AuditPage {
  records: StoredAuditRecord[];
  /** Where the next page starts, or null on the last page. */
  next: string | null;
}

export interface AuditLog {
  /** Appends one entry; never overwrites, and nothing can change or remove it afterwards. */
  append(record: AuditRecord): Promise<void>;
  page(query: AuditQuery): Promise<AuditPage>;
}

export interface BillingPort {
  /** Opens (or returns the existing, idempotently per patient) billing account; rejects on any failure or deadline. */
  openAccount(request: { patientId: string; name: string; email: string }): Promise<{ accountId: string }>;
}

export interface CursorCodec {
  /** An opaque, tamper-proof cursor for a position, bound to the query it came from. */
  encode(key: PageKey, scope: string): Promise<string>;
  /** The position, or undefined when the cursor is forged, garbled or from another query. */
  decode(cursor: string, scope: string): Promise<PageKey | undefined>;
}

export type IdempotencyBegin =
  { kind: 'new' } | { kind: 'replay'; patient: PatientRecord } | { kind: 'mismatch' } | { kind: 'in-progress' };

export interface IdempotencyStore {
  /** Claims a key for a request fingerprint, or tells what an earlier request with the key did. */
  begin(key: string, fingerprint: string): Promise<IdempotencyBegin>;
  /** Stores the result the key must replay. */
  complete(key: string, patient: PatientRecord): Promise<void>;
  /** Frees a claimed key after a failure, so the client may retry. */
  release(key: string): Promise<void>;
}

export type { Clock, IdGenerator };

export interface PatientPorts {
  patients: PatientRepository;
  audit: AuditLog;
  billing: BillingPort;
  cursors: CursorCodec;
  idempotency: IdempotencyStore;
  clock: Clock;
  newId: IdGenerator;
}

export type { RequestContext } from '../commons/caller';
