/**
 * One partition: an append-only file of record batches exactly as produced (baseOffset rewritten),
 * with an in-memory index rebuilt from the file on start. Without a file the log lives in memory.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writevSync } from 'node:fs';
import { batchHeader } from './record-batch';

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  data: Buffer;
}

interface SequenceEntry {
  /** A producer whose epoch was bumped starts its sequences again at 0, so the epoch is part of the key. */
  epoch: number;
  baseSequence: number;
  baseOffset: number;
}

/** As Kafka does, remember the last few batches of each producer to spot retried sends. */
const SEQUENCES_KEPT = 5;

export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  private readonly sequences = new Map<number, SequenceEntry[]>();
  private readonly listeners = new Set<() => void>();
  private end = 0;
  private fd: number | null = null;

  constructor(private readonly file: string | null) {
    if (file !== null) this.load(file);
  }

  get highWatermark(): number {
    return this.end;
  }

  get highestProducerId(): number {
    let highest = -1;
    for (const id of this.sequences.keys()) highest = Math.max(highest, id);
    return highest;
  }

  /** Appends validated batches; returns the offset of the first, or the original one for a retried idempotent send. */
  append(batches: readonly Buffer[]): number {
    let firstOffset = -1;
    const written: Buffer[] = [];
    for (const received of batches) {
      const duplicate = this.duplicateOf(received);
      if (duplicate !== undefined) {
        if (firstOffset === -1) firstOffset = duplicate;
        continue;
      }
      // A copy: a view would keep the whole socket chunk it arrived in alive for the life of the log.
      const batch = Buffer.allocUnsafe(received.length);
      received.copy(batch);
      const baseOffset = this.end;
      batchHeader.setBaseOffset(batch, baseOffset);
      const lastOffset = baseOffset + batchHeader.lastOffsetDelta(batch);
      this.index(batch, baseOffset, lastOffset);
      written.push(batch);
      if (firstOffset === -1) firstOffset = baseOffset;
    }
    if (written.length > 0) {
      if (this.fd !== null) writevSync(this.fd, written);
      for (const listener of [...this.listeners]) listener();
    }
    return firstOffset;
  }

  /** Stored batches from the one holding `offset`, whole, up to about maxBytes (at least one batch). */
  read(offset: number, maxBytes: number): Buffer[] {
    const parts: Buffer[] = [];
    let size = 0;
    for (let i = this.indexOf(offset); i < this.batches.length; i++) {
      const data = this.batches[i]!.data;
      if (parts.length > 0 && size + data.length > maxBytes) break;
      parts.push(data);
      size += data.length;
    }
    return parts;
  }

  /** The first offset of the first batch whose newest record is at or after `timestamp`, or -1. */
  offsetForTimestamp(timestamp: number): number {
    const batch = this.batches.find((candidate) => candidate.maxTimestamp >= timestamp);
    return batch ? batch.baseOffset : -1;
  }

  /** Calls `listener` after each append until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private duplicateOf(batch: Buffer): number | undefined {
    const producerId = batchHeader.producerId(batch);
    if (producerId < 0) return undefined;
    const epoch = batchHeader.producerEpoch(batch);
    const sequence = batchHeader.baseSequence(batch);
    return this.sequences.get(producerId)?.find((entry) => entry.epoch === epoch && entry.baseSequence === sequence)
      ?.baseOffset;
  }

  private index(data: Buffer, baseOffset: number, lastOffset: number): void {
    this.batches.push({ baseOffset, lastOffset, maxTimestamp: batchHeader.maxTimestamp(data), data });
    this.end = lastOffset + 1;
    const producerId = batchHeader.producerId(data);
    if (producerId >= 0) {
      const entries = this.sequences.get(producerId) ?? [];
      entries.push({
        epoch: batchHeader.producerEpoch(data),
        baseSequence: batchHeader.baseSequence(data),
        baseOffset,
      });
      if (entries.length > SEQUENCES_KEPT) entries.shift();
      this.sequences.set(producerId, entries);
    }
  }

  /** Binary search for the batch holding `offset` (or the first after it). */
  private indexOf(offset: number): number {
    let low = 0;
    let high = this.batches.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.batches[middle]!.lastOffset < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private load(file: string): void {
    const content = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
    let at = 0;
    while (content.length - at >= 12) {
      const size = 12 + content.readInt32BE(at + 8);
      if (size < 61 || at + size > content.length) break;
      const data = content.subarray(at, at + size);
      const baseOffset = batchHeader.baseOffset(data);
      this.index(data, baseOffset, baseOffset + batchHeader.lastOffsetDelta(data));
      at += size;
    }
    this.fd = openSync(file, 'a');
    // A torn write at the end (a crash mid-append) is cut off so later appends stay readable.
    if (at < content.length) ftruncateSync(this.fd, at);
  }
}
