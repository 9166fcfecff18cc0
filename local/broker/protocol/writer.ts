/**
 * Writes Kafka's primitive types (non-flexible encodings). Large byte blocks (record batches) are kept
 * as separate chunks and never copied, so a Fetch response costs no copy of the log.
 */
const CHUNK = 4096;
const INLINE_LIMIT = 512;

export class Writer {
  private readonly chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  private room(size: number): Buffer {
    if (this.used + size > this.current.length) {
      this.flushCurrent();
      this.current = Buffer.allocUnsafe(Math.max(CHUNK, size));
    }
    this.total += size;
    return this.current;
  }

  private flushCurrent(): void {
    if (this.used > 0) this.chunks.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafe(0);
    this.used = 0;
  }

  int8(value: number): this {
    this.room(1).writeInt8(value, this.used);
    this.used += 1;
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    this.room(2).writeInt16BE(value, this.used);
    this.used += 2;
    return this;
  }

  int32(value: number): this {
    this.room(4).writeInt32BE(value, this.used);
    this.used += 4;
    return this;
  }

  int64(value: number | bigint): this {
    this.room(8).writeBigInt64BE(BigInt(value), this.used);
    this.used += 8;
    return this;
  }

  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value, 'utf8');
    this.int16(length);
    this.room(length).write(value, this.used, 'utf8');
    this.used += length;
    return this;
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  raw(data: Buffer): this {
    if (data.length <= INLINE_LIMIT) {
      data.copy(this.room(data.length), this.used);
      this.used += data.length;
    } else {
      this.flushCurrent();
      this.chunks.push(data);
      this.total += data.length;
    }
    return this;
  }

  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    return this.int32(value.length).raw(value);
  }

  bytes(value: Buffer): this {
    return this.nullableBytes(value);
  }

  /** Bytes made of several blocks (the batches of one Fetch partition), written without joining them. */
  bytesFromParts(parts: readonly Buffer[]): this {
    let length = 0;
    for (const part of parts) length += part.length;
    this.int32(length);
    for (const part of parts) this.raw(part);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, writeItem: (writer: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  array<T>(items: readonly T[], writeItem: (writer: Writer, item: T) => void): this {
    return this.nullableArray(items, writeItem);
  }

  /** The written bytes as chunks, in order (for socket writes without a join). */
  toChunks(): Buffer[] {
    this.flushCurrent();
    return this.chunks;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.toChunks(), this.total);
  }
}
