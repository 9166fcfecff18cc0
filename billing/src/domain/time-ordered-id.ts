/**
 * UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits, so ids sort by
 * creation time as strings. Within one millisecond the last 56 bits count up from a random start
 * (§6.2, method 2), so ids from one process also sort in the order they were made. Transactions are
 * keyed by it: a Query in descending key order lists an account's transactions newest first.
 */
import { randomBytes } from 'node:crypto';

let lastMs = -1;
let last: Buffer = Buffer.alloc(16);

export function timeOrderedId(now: number = Date.now()): string {
  let bytes: Buffer;
  if (now <= lastMs) {
    // Same millisecond (or the clock stepped back): the previous id plus one, so the order holds.
    bytes = Buffer.from(last);
    for (let i = 15; i >= 9; i--) {
      bytes[i] = (bytes[i]! + 1) & 0xff;
      if (bytes[i] !== 0) break;
    }
  } else {
    lastMs = now;
    bytes = randomBytes(16);
    bytes.writeUIntBE(now, 0, 6);
    bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
    bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
    bytes[9] = bytes[9]! & 0x7f; // the counter starts in the lower half: 2^55 ids per millisecond before it could wrap
  }
  last = bytes;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
