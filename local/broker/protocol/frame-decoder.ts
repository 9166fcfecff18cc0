/** Cuts a TCP byte stream into Kafka frames (int32 size + payload) without quadratic copying. */
export class FrameTooLarge extends Error {}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** The complete frames (payloads, without the size) that `chunk` finishes. Throws FrameTooLarge. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const size = this.take(4).readInt32BE(0);
        if (size < 0 || size > this.maxFrameBytes)
          throw new FrameTooLarge(`frame of ${size} bytes (limit ${this.maxFrameBytes})`);
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      frames.push(this.take(this.expected));
      this.expected = -1;
    }
    return frames;
  }

  /** Joins chunks only when a frame spans several, so each byte is copied at most once. */
  private take(size: number): Buffer {
    if (size === 0) return Buffer.alloc(0);
    let first = this.chunks[0]!;
    if (first.length < size) {
      first = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [first];
    }
    const taken = first.subarray(0, size);
    if (first.length === size) this.chunks.shift();
    else this.chunks[0] = first.subarray(size);
    this.buffered -= size;
    return taken;
  }
}
