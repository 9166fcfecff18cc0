/**
 * What one operation costs on average, from many measured samples: units per operation, and the units per
 * operation each partition key value receives (its share of the samples times their units). A key's load
 * at some rate is then rate × its units per operation.
 *
 * The samples are also kept in two halves (alternate samples). The hottest key of a family is picked on one
 * half and its load measured on the other: the largest of many sampled shares overstates a share by the
 * sampling noise (128 equally loaded shards sampled 80 times each: the busiest shows ~30% above its true
 * 1/128), while a share measured on samples that did not pick it is unbiased.
 */
import type { Access, Measured } from './memory-dynamo';

/** Units on one partition key value: per operation in a Profile, per second in the model's key loads. */
export interface KeyUnits {
  table: string;
  index?: string;
  key: string;
  write: number;
  read: number;
  /** Samples behind the figure (its relative sampling error is about 1/√hits); 0 for a family mean. */
  hits: number;
}

export interface Profile {
  samples: number;
  /** Units per operation, every key included. */
  write: number;
  read: number;
  /** Per partition key (see keyId). */
  keys: Map<string, KeyUnits>;
  /** The same from each half of the samples: [where hot keys are picked, where their load is measured]. */
  halves: [Map<string, KeyUnits>, Map<string, KeyUnits>];
  /** Per table: bytes of storage added per operation. */
  storedBytes: Record<string, number>;
  /** Per table with a stream: stream records per operation. */
  streamRecords: Record<string, number>;
}

export const keyId = (a: Pick<Access, 'table' | 'index' | 'key'>) =>
  `${a.table}${a.index ? `/${a.index}` : ''} ${a.key}`;

function addTo(into: Record<string, number>, from: Record<string, number>, by = 1): void {
  for (const [name, value] of Object.entries(from)) into[name] = (into[name] ?? 0) + value * by;
}

/** Accumulates measured samples into a Profile. */
function accumulate(keys: Map<string, KeyUnits>, id: string, access: Access): void {
  let entry = keys.get(id);
  if (!entry) {
    entry = { table: access.table, key: access.key, write: 0, read: 0, hits: 0 };
    if (access.index) entry.index = access.index;
    keys.set(id, entry);
  }
  entry[access.kind] += access.units;
}

function perSample(keys: Map<string, KeyUnits>, samples: number): Map<string, KeyUnits> {
  const n = Math.max(1, samples);
  return new Map([...keys].map(([id, k]) => [id, { ...k, write: k.write / n, read: k.read / n }]));
}

export class ProfileBuilder {
  private samples = 0;
  private readonly keys = new Map<string, KeyUnits>();
  private readonly halves: [Map<string, KeyUnits>, Map<string, KeyUnits>] = [
    new Map<string, KeyUnits>(),
    new Map<string, KeyUnits>(),
  ];
  private readonly storedBytes: Record<string, number> = {};
  private readonly streamRecords: Record<string, number> = {};

  /** One sample (one operation): everything it measured, possibly over several measured steps. */
  add(...steps: Measured<unknown>[]): void {
    const half = this.halves[this.samples % 2]!;
    this.samples++;
    const touched = new Set<string>();
    for (const step of steps) {
      for (const access of step.accesses) {
        const id = keyId(access);
        accumulate(this.keys, id, access);
        accumulate(half, id, access);
        touched.add(id);
      }
      addTo(this.storedBytes, step.storedBytes);
      addTo(this.streamRecords, step.streamRecords);
    }
    for (const id of touched) {
      this.keys.get(id)!.hits++;
      half.get(id)!.hits++;
    }
  }

  build(): Profile {
    const n = Math.max(1, this.samples);
    const keys = perSample(this.keys, this.samples);
    let write = 0;
    let read = 0;
    for (const k of keys.values()) {
      write += k.write;
      read += k.read;
    }
    const perOp = (totals: Record<string, number>) => {
      const out: Record<string, number> = {};
      addTo(out, totals, 1 / n);
      return out;
    };
    return {
      samples: this.samples,
      write,
      read,
      keys,
      halves: [
        perSample(this.halves[0], Math.ceil(this.samples / 2)),
        perSample(this.halves[1], Math.floor(this.samples / 2)),
      ],
      storedBytes: perOp(this.storedBytes),
      streamRecords: perOp(this.streamRecords),
    };
  }
}
