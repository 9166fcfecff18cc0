/**
 * The load the model is asked about, and the assumptions that split it into operations. The design load
 * (issue 16) is 10,000 patient writes/s and 100,000 patient reads/s; the table also shows 100 and 1,000
 * writes/s, reads always ten times the writes. Every other rate (audit entries, token checks, logins,
 * billing, analytics) follows from those two through the assumptions below, each named and explained.
 */
export const HEADLINE_WRITES = [100, 1_000, 10_000] as const;
export const READS_PER_WRITE = 10;
export const DESIGN_WRITES = 10_000;

export interface Load {
  /** Patient writes per second (create, update, delete). */
  writes: number;
  /** Patient reads per second (get, list, search, history). */
  reads: number;
}

export const loadAt = (writes: number): Load => ({ writes, reads: writes * READS_PER_WRITE });

/** How patient writes split (sum 1): registrations, edits, removals. */
export const WRITE_MIX = { create: 0.3, update: 0.6, delete: 0.1 } as const;

/**
 * How patient reads split (sum 1). Opening a record dominates; every list page reads every shard of the
 * list index, so the share of list pages is what the list partitions must carry.
 */
export const READ_MIX = { get: 0.7, list: 0.05, listByState: 0.05, search: 0.15, history: 0.05 } as const;

/** Every POST /api/patients carries an Idempotency-Key (the web app sends one). */
export const IDEMPOTENCY_KEYS_PER_CREATE = 1;
/** Ledger transactions (charges, payments, refunds) per patient write. */
export const LEDGER_TRANSACTIONS_PER_PATIENT_WRITE = 0.5;
/** A signed-in user sends one API request every this many seconds. */
export const SECONDS_BETWEEN_REQUESTS = 10;
/** A login lasts a shift, then the user logs in again. */
export const LOGIN_SECONDS = 8 * 3600;
/** GET /api/analytics (dashboards) per patient read. */
export const ANALYTICS_QUERIES_PER_READ = 0.0001;
/** Page size of list pages and searches (the API's default limit). */
export const PAGE_SIZE = 20;
