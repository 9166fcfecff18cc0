/** What every paged listing shares: `limit` 1-100 (default 20) and an opaque cursor bound to its query. */
import { invalidQuery } from '../domain/errors';
import type { CursorCodec, PageKey } from '../ports';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export interface Paging {
  limit: number;
  cursor?: string;
}

export function parsePaging(query: { limit?: string; cursor?: string }): Paging {
  let limit = DEFAULT_LIMIT;
  if (query.limit !== undefined) {
    if (!/^\d{1,3}$/.test(query.limit) || Number(query.limit) < 1 || Number(query.limit) > MAX_LIMIT) {
      throw invalidQuery('limit', `Must be an integer from 1 to ${MAX_LIMIT}`);
    }
    limit = Number(query.limit);
  }
  if (query.cursor !== undefined && query.cursor.length === 0) throw invalidQuery('cursor', 'Must not be empty');
  return { limit, cursor: query.cursor };
}

/** The position a cursor resumes from (none without a cursor); a cursor forged, altered or of another query → 400. */
export async function resumeFrom(
  cursors: CursorCodec,
  cursor: string | undefined,
  scope: string,
): Promise<PageKey | undefined> {
  if (cursor === undefined) return undefined;
  const key = await cursors.decode(cursor, scope);
  if (!key) throw invalidQuery('cursor', 'Not a cursor this API issued for this query');
  return key;
}
