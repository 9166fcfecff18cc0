/**
 * Partition key values, generalised: a key's pattern names its variable parts (`STATE#CA` → `STATE#<value>`,
 * `AUDIT#17` → `AUDIT#<n>`, a UUID → `<id>`), so the values built alike group into one family per table or
 * index, whatever the builders make of them (a sharded key is just one more variable part).
 */
interface Located {
  table: string;
  index?: string;
  key: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function segmentPattern(segment: string, first: boolean): string {
  if (UUID.test(segment) || /^[0-9a-f]{32}$/i.test(segment)) return '<id>';
  if (/^\d+$/.test(segment)) return '<n>';
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(segment)) return '<date>';
  if (/^[A-Za-z0-9_-]{40,}$/.test(segment)) return '<hash>';
  if (first && /^[A-Z_]+$/.test(segment)) return segment; // the entity prefix: PATIENT, STATE, SEARCH, …
  if (/^[a-z]{4,}$/.test(segment)) return segment; // a word of the layout: patient, billing, create
  return '<value>';
}

/** The pattern of a key value: its variable parts named (`STATE#CA` → `STATE#<value>`). */
export function keyPattern(key: string): string {
  return key
    .split('#')
    .map((segment, i) => segmentPattern(segment, i === 0))
    .join('#');
}

/** The family of a key: where it lives (table or table/index) and its pattern. */
export const familyOf = (k: Located) => `${k.table}${k.index ? `/${k.index}` : ''} ${keyPattern(k.key)}`;

/**
 * The siblings of a key: its family's values that differ from it only in ids, numbers, hashes and dates
 * (the shards of one partition, `STATE#CA#<n>`; every patient, `PATIENT#<id>`), not in named values
 * (`STATE#CA` and `STATE#TX` are not siblings). Siblings are built alike, so they take the same load but
 * for sampling noise, unless one is measurably hotter.
 */
export function siblingsOf(k: Located): string {
  const pattern = k.key
    .split('#')
    .map((segment, i) => {
      const p = segmentPattern(segment, i === 0);
      return p === '<value>' ? segment : p;
    })
    .join('#');
  return `${k.table}${k.index ? `/${k.index}` : ''} ${pattern}`;
}
