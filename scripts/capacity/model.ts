/**
 * From operation profiles to partition-key loads: at a load, each key value receives, from each operation,
 * the operation's rate times the units that operation puts on it per call; summed over operations. Key
 * values group into key patterns ("families": `PATIENT#<id>`, `STATE#<value>`, `AUDIT#<n>` of one table
 * or index); a family is within its limits when its hottest value is, for writes and for reads.
 */
import type { Operation } from './operation';
import { familyOf, siblingsOf } from './keys';
import { keyId, type KeyUnits } from './profile';
import { PARTITION_READ_UNITS_PER_SECOND, PARTITION_WRITE_UNITS_PER_SECOND } from './units';
import type { Load } from './workload';

/** Which samples: all, or the half that picks hot keys (0) or the half that measures them (1). */
export type Samples = 'all' | 0 | 1;

const keysOf = (op: Operation, load: Load, samples: Samples) =>
  samples === 'all' ? op.profile(load).keys : op.profile(load).halves[samples];

/** Every key value's load (units per second) at a load, the operations summed, from some of the samples. */
export function keyLoads(operations: Operation[], load: Load, samples: Samples = 'all'): Map<string, KeyUnits> {
  const loads = new Map<string, KeyUnits>();
  for (const op of operations) {
    const rate = op.rate(load);
    for (const k of keysOf(op, load, samples).values()) {
      const id = keyId(k);
      let entry = loads.get(id);
      if (!entry) loads.set(id, (entry = { table: k.table, index: k.index, key: k.key, write: 0, read: 0, hits: 0 }));
      entry.write += rate * k.write;
      entry.read += rate * k.read;
      entry.hits += k.hits;
    }
  }
  return loads;
}

/** One hot value's estimated load of one kind. */
export interface HotKey {
  key: KeyUnits;
  kind: 'write' | 'read';
  /** Units per second. */
  load: number;
  /** Samples behind the figure: its relative sampling error is about 1/√hits. */
  hits: number;
  /** The value's own measure, its siblings' mean (they are alike), or the family's mean (the value was seen once). */
  basis: 'value' | 'siblings' | 'family';
  siblings: number;
}

export interface FamilyStatus {
  family: string;
  values: number;
  write: HotKey;
  read: HotKey;
  ok: boolean;
}

const limitOf = (kind: 'write' | 'read') =>
  kind === 'write' ? PARTITION_WRITE_UNITS_PER_SECOND : PARTITION_READ_UNITS_PER_SECOND;

/** How close a hot key is to its limit: 1 is at the limit. */
export const hotPressure = (h: HotKey) => h.load / limitOf(h.kind);

/**
 * Every family's hottest value for writes and for reads at a load, and its estimated load: the largest of
 * - each group of alike values' mean over all samples (precise, and right for shards spread by a hash: the
 *   largest of their noisy shares would overstate), and
 * - the value picked as hottest on the first half of the samples, its load measured on the second (unbiased:
 *   a share measured on samples that did not pick it), when it stands alone or is measurably hotter than its
 *   alike values.
 * A family of one value has nothing to pick from: all its samples count.
 */
export function familyStatuses(operations: Operation[], load: Load): FamilyStatus[] {
  const all = keyLoads(operations, load, 'all');
  const pick = keyLoads(operations, load, 0);
  const measure = keyLoads(operations, load, 1);
  const families = new Map<string, KeyUnits[]>();
  const siblings = new Map<string, KeyUnits[]>();
  for (const k of all.values()) {
    for (const [map, id] of [
      [families, familyOf(k)],
      [siblings, siblingsOf(k)],
    ] as const) {
      const list = map.get(id);
      if (list) list.push(k);
      else map.set(id, [k]);
    }
  }
  const mean = (list: KeyUnits[], kind: 'write' | 'read') => list.reduce((sum, k) => sum + k[kind], 0) / list.length;
  const estimate = (values: KeyUnits[], kind: 'write' | 'read'): HotKey => {
    if (values.length === 1) {
      const only = values[0]!;
      return { key: only, kind, load: only[kind], hits: only.hits, basis: 'value', siblings: 1 };
    }
    const candidates: HotKey[] = [];
    // Each group of alike values (the shards of one partition, every id): their mean over all samples.
    const groups = new Map<string, KeyUnits[]>();
    for (const k of values) {
      const group = groups.get(siblingsOf(k));
      if (group) group.push(k);
      else groups.set(siblingsOf(k), [k]);
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const top = group.reduce((a, b) => (b[kind] > a[kind] ? b : a));
      const hits = group.reduce((sum, k) => sum + k.hits, 0);
      candidates.push({ key: top, kind, load: mean(group, kind), hits, basis: 'siblings', siblings: group.length });
    }
    // The one value picked on the first half, measured on the second: when it stands alone (a named value)
    // or is measurably hotter than its alike values.
    let picked = values[0]!;
    let pickedLoad = -1;
    for (const k of values) {
      const load = pick.get(keyId(k))?.[kind] ?? 0;
      if (load > pickedLoad) [picked, pickedLoad] = [k, load];
    }
    const alike = groups.get(siblingsOf(picked))!;
    const measured = measure.get(keyId(picked));
    if (measured && measured.hits > 0) {
      const own = measured[kind];
      if (alike.length === 1 || own * (1 - 2 / Math.sqrt(measured.hits)) > mean(alike, kind))
        candidates.push({ key: picked, kind, load: own, hits: measured.hits, basis: 'value', siblings: alike.length });
    }
    // Nothing measured twice (values seen once): the family's mean per value.
    if (candidates.length === 0)
      candidates.push({ key: picked, kind, load: mean(values, kind), hits: 0, basis: 'family', siblings: 1 });
    return candidates.reduce((a, b) => (b.load > a.load ? b : a));
  };
  return [...families]
    .map(([family, values]) => {
      const write = estimate(values, 'write');
      const read = estimate(values, 'read');
      return { family, values: values.length, write, read, ok: hotPressure(write) <= 1 && hotPressure(read) <= 1 };
    })
    .sort((a, b) => a.family.localeCompare(b.family));
}

/** The hottest key among some families' statuses: the family and kind pressed hardest. */
export function hottestOf(statuses: FamilyStatus[]): { family: string; hot: HotKey } | undefined {
  let best: { family: string; hot: HotKey } | undefined;
  for (const status of statuses)
    for (const hot of [status.write, status.read])
      if (hot.load > 0 && (!best || hotPressure(hot) > hotPressure(best.hot))) best = { family: status.family, hot };
  return best;
}
