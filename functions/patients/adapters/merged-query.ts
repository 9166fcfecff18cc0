/**
 * One newest-first page over several partitions that share a sort-key order (the write shards of an
 * index; or a single partition, the case of one): each partition is queried on its own, side by side,
 * and the results merged by sort key `sk`. Positions are sort keys, and a page ends strictly below the
 * last one it returned, so a cursor is one sort key whatever the number of partitions.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

/** Above every character a sort key of these partitions uses (ISO times, `#`, UUIDs). */
export const HIGHEST = '~';

/**
 * The greatest sort key below `sk` (an inclusive upper bound that leaves `sk` out, for a key condition's
 * BETWEEN): `sk` with its last character one lower, then HIGHEST.
 */
export function justBelow(sk: string): string {
  return `${sk.slice(0, -1)}${String.fromCharCode(sk.charCodeAt(sk.length - 1) - 1)}${HIGHEST}`;
}

/** A page stops after this many rounds of queries even if a filter left it short; its cursor continues it. */
const MAX_ROUNDS = 10;
/** Items asked for per query once a partition ran out: enough to get past a stretch the filter drops. */
const REFILL = 50;

export interface MergedPage {
  items: Item[];
  next: string | null;
}

interface Reader {
  input: QueryCommandInput;
  buffer: Item[];
  start?: Item;
  done: boolean;
  /** The sort key of the last item the partition evaluated: every item at or above it has been looked at. */
  examined?: string;
}

const skOf = (item: Item) => String(item.sk);

/** The reader whose next item is newest (greatest sort key), among those holding one. */
function newest(readers: Reader[]): Reader | undefined {
  let best: Reader | undefined;
  for (const r of readers) if (r.buffer.length > 0 && (!best || skOf(r.buffer[0]!) > skOf(best.buffer[0]!))) best = r;
  return best;
}

/** `inputs`: one Query per partition, key condition and filter included (newest first is forced here). */
export async function mergedPage(
  db: DynamoDBDocumentClient,
  inputs: QueryCommandInput[],
  limit: number,
): Promise<MergedPage> {
  const readers: Reader[] = inputs.map((input) => ({ input, buffer: [], done: false }));
  // Each of N partitions holds about 1/N of the page: ask for twice that first, more only where it runs out.
  const firstBatch = Math.min(limit + 1, Math.max(3, Math.ceil((2 * (limit + 1)) / readers.length)));
  const batch = Math.max(limit + 1, REFILL);
  const out: Item[] = [];
  for (let rounds = 0; ;) {
    const empty = readers.filter((r) => !r.done && r.buffer.length === 0);
    if (empty.length > 0) {
      if (rounds >= MAX_ROUNDS) return cut(readers, out, limit);
      const size = rounds === 0 ? firstBatch : batch;
      rounds++;
      await Promise.all(
        empty.map(async (r) => {
          const result = await db.send(
            new QueryCommand({ ...r.input, ScanIndexForward: false, Limit: size, ExclusiveStartKey: r.start }),
          );
          r.buffer.push(...(result.Items ?? []));
          r.start = result.LastEvaluatedKey;
          r.done = !r.start;
          if (r.start) r.examined = skOf(r.start);
        }),
      );
      continue;
    }
    // Every partition not yet exhausted shows its next item: the newest of them is next overall.
    const from = newest(readers);
    if (!from) return { items: out, next: null };
    out.push(from.buffer.shift()!);
    if (out.length > limit) {
      const page = out.slice(0, limit);
      return { items: page, next: skOf(page[page.length - 1]!) };
    }
  }
}

/**
 * Ends a page the round limit cut short. Every partition has been looked at down to `frontier` (the
 * highest of their last evaluated keys): the items held at or above it are complete and in order; the
 * next page resumes below it (or below its last item, when the page filled up).
 */
function cut(readers: Reader[], out: Item[], limit: number): MergedPage {
  const frontier = readers
    .filter((r) => !r.done)
    .map((r) => r.examined ?? '')
    .reduce((a, b) => (a > b ? a : b));
  for (
    let from = newest(readers);
    from && out.length < limit && skOf(from.buffer[0]!) >= frontier;
    from = newest(readers)
  ) {
    out.push(from.buffer.shift()!);
  }
  return { items: out, next: out.length === limit ? skOf(out[out.length - 1]!) : frontier };
}
