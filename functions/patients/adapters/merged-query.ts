/**
 * One page over several partitions that share a sort-key order (the write shards of an index; or a
 * single partition, the case of one): each partition is queried on its own, side by side, and the
 * results merged by sort key. Newest (highest) first unless told otherwise. Positions are sort keys,
 * and a page ends strictly beyond the last one it returned, so a cursor is one position whatever the
 * number of partitions (it may grow between two pages).
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

/**
 * Compares two sort keys the way DynamoDB orders them: by their UTF-8 bytes, which is code point order.
 * JavaScript's `<` compares UTF-16 code units instead, which disagrees when a character above U+FFFF (a
 * surrogate pair, D800–DFFF) meets one in U+E000–U+FFFF; search keys hold names, where both can occur.
 */
export function compareSortKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates above U+E000–U+FFFF: the code unit order then agrees with code point order. */
const codePointRank = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);

/** A page stops after this many rounds of queries even if a filter left it short; its cursor continues it. */
const MAX_ROUNDS = 10;
/** Items asked for per query once a partition ran out: enough to get past a stretch the filter drops. */
const REFILL = 50;
/**
 * Items asked of each partition first, at the least: what one 4 KB read unit holds of the largest items merged
 * here (patients, ~0.7 KB), so the first round costs what 3 would, and a partition holding a few more of the
 * page than its share (of 21 items over 32 shards, 6 or more in one: about 1 page in 500) is rarely read again.
 */
const FIRST_BATCH_FLOOR = 5;

export interface MergeOptions {
  /** The sort-key attribute the partitions share (`sk` unless told). */
  sortKey?: string;
  /** Lowest sort key first (oldest first, for keys that start with a time); highest first unless told. */
  ascending?: boolean;
  /**
   * Keeps only the items this accepts: a check no FilterExpression makes. An item dropped still counts as
   * looked at, so the position moves past it.
   */
  accept?: (item: Item) => boolean;
}

export interface MergedPage {
  items: Item[];
  /** The sort key the next page resumes strictly beyond, or null on the last page. */
  next: string | null;
  /**
   * The key attributes at `next` (the last item returned, or the key a partition stopped at): with each
   * partition's own partition key put in, its ExclusiveStartKey for the next page.
   */
  nextKey: Item | null;
}

interface Reader {
  input: QueryCommandInput;
  buffer: Item[];
  start?: Item;
  done: boolean;
  /** The sort key of the last item the partition evaluated: every item up to it has been looked at. */
  examined?: string;
}

/**
 * `inputs`: one Query per partition, key condition and filter included, and its ExclusiveStartKey when
 * the page resumes a position (the direction is set here, from `options.ascending`).
 */
export async function mergedPage(
  db: DynamoDBDocumentClient,
  inputs: QueryCommandInput[],
  limit: number,
  options: MergeOptions = {},
): Promise<MergedPage> {
  const sortKey = options.sortKey ?? 'sk';
  const skOf = (item: Item) => String(item[sortKey]);
  // Positive when `a` comes before `b` in the page's order.
  const before = (a: string, b: string) => (options.ascending ? -1 : 1) * compareSortKeys(a, b) > 0;
  /** The reader whose next item comes first, among those holding one. */
  const first = (readers: Reader[]): Reader | undefined => {
    let best: Reader | undefined;
    for (const r of readers) {
      if (r.buffer.length > 0 && (!best || before(skOf(r.buffer[0]!), skOf(best.buffer[0]!)))) best = r;
    }
    return best;
  };

  const readers: Reader[] = inputs.map((input) => ({ input, buffer: [], start: input.ExclusiveStartKey, done: false }));
  // Each of N partitions holds about 1/N of the page: ask for twice that first, more only where it runs out.
  // At least FIRST_BATCH_FLOOR: they cost one read unit like fewer would, and a partition read twice for
  // every first page (the same page for every caller) would take N times its share of the reads.
  const firstBatch = Math.min(limit + 1, Math.max(FIRST_BATCH_FLOOR, Math.ceil((2 * (limit + 1)) / readers.length)));
  const batch = Math.max(limit + 1, REFILL);
  const out: Item[] = [];
  for (let rounds = 0; ;) {
    const empty = readers.filter((r) => !r.done && r.buffer.length === 0);
    if (empty.length > 0) {
      if (rounds >= MAX_ROUNDS) return cut();
      const size = rounds === 0 ? firstBatch : batch;
      rounds++;
      await Promise.all(
        empty.map(async (r) => {
          const result = await db.send(
            new QueryCommand({
              ...r.input,
              ScanIndexForward: !!options.ascending,
              Limit: size,
              ExclusiveStartKey: r.start,
            }),
          );
          const items = result.Items ?? [];
          r.buffer.push(...(options.accept ? items.filter(options.accept) : items));
          r.start = result.LastEvaluatedKey;
          r.done = !r.start;
          if (r.start) r.examined = skOf(r.start);
        }),
      );
      continue;
    }
    // Every partition not yet exhausted shows its next item: the first of them is next overall.
    const from = first(readers);
    if (!from) return { items: out, next: null, nextKey: null };
    out.push(from.buffer.shift()!);
    if (out.length > limit) return at(out.slice(0, limit));
  }

  /** A full page: the next one resumes beyond its last item. */
  function at(page: Item[]): MergedPage {
    const last = page[page.length - 1]!;
    return { items: page, next: skOf(last), nextKey: last };
  }

  /**
   * Ends a page the round limit cut short. Every partition has been looked at up to `frontier` (the
   * nearest of their last evaluated keys): the items held up to it are complete and in order; the next
   * page resumes beyond it (or beyond its last item, when the page filled up).
   */
  function cut(): MergedPage {
    let frontier: Reader | undefined;
    for (const r of readers) {
      if (!r.done && (!frontier || before(r.examined ?? '', frontier.examined ?? ''))) frontier = r;
    }
    const edge = frontier?.examined ?? '';
    for (let from = first(readers); from && out.length < limit && !before(edge, skOf(from.buffer[0]!));) {
      out.push(from.buffer.shift()!);
      from = first(readers);
    }
    if (out.length === limit) return at(out);
    return { items: out, next: edge, nextKey: frontier?.start ?? null };
  }
}
