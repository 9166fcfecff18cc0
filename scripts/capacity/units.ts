/**
 * DynamoDB's sizing and capacity-unit rules (Developer Guide, "Item sizes and formats" and "Read/write
 * capacity mode"), on items as the document client writes them (plain values; Sets for DynamoDB sets).
 *
 * - An item's size is the sum over its attributes of the name's UTF-8 length plus the value's size.
 * - String: UTF-8 bytes. Binary: bytes. Boolean, null: 1 byte.
 * - Number: 1 byte per two significant digits (leading and trailing zeros trimmed), plus 1 byte.
 * - List, map: 3 bytes, plus 1 byte per element (and a map entry's name).
 * - Set: the sum of its elements' sizes.
 * - Write: 1 unit per 1 KB (rounded up, at least 1) of the larger of the item before and after.
 * - Read: 1 unit per 4 KB strongly consistent, half of that eventually consistent (every index read is),
 *   at least one 4 KB unit; a Query sums the items it reads before rounding, GetItem and each key of a
 *   BatchGetItem round on their own.
 * - Transactions (TransactWriteItems, TransactGetItems) take two units of each item for one: prepare and commit.
 *   The index writes they cause are ordinary writes (indexes are updated after the transaction completes).
 */
export const WRITE_UNIT_BYTES = 1024;
export const READ_UNIT_BYTES = 4096;
/** Per-partition ceilings (Developer Guide, "Partitions and data distribution"). */
export const PARTITION_WRITE_UNITS_PER_SECOND = 1000;
export const PARTITION_READ_UNITS_PER_SECOND = 3000;
/** Storage: each item (and each index entry) is billed 100 bytes above its size. */
export const STORAGE_OVERHEAD_BYTES = 100;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** Significant digits of a number as DynamoDB stores it (decimal, leading and trailing zeros trimmed). */
export function significantDigits(value: number | bigint): number {
  let text = typeof value === 'bigint' ? (value < 0n ? -value : value).toString() : Math.abs(value).toString();
  const exponent = text.indexOf('e');
  if (exponent >= 0) text = text.slice(0, exponent);
  const digits = text.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.max(1, digits.length);
}

export function numberSize(value: number | bigint): number {
  return Math.ceil(significantDigits(value) / 2) + 1;
}

/** The size of one attribute value, in bytes. */
export function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...(value as Set<unknown>)].reduce<number>((sum, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object')
    return (
      3 +
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .reduce((sum, [name, v]) => sum + 1 + utf8(name) + valueSize(v), 0)
    );
  throw new Error(`No DynamoDB type for a ${typeof value}`);
}

/** The size of an item, in bytes: its attribute names and values. */
export function itemSize(item: Record<string, unknown> | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) if (value !== undefined) size += utf8(name) + valueSize(value);
  return size;
}

/** Write units of writing an item of `bytes` (the larger of before and after). */
export function writeUnits(bytes: number, options: { transactional?: boolean } = {}): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES)) * (options.transactional ? 2 : 1);
}

/** Read units of reading `bytes` in one read (one item, or everything one Query page read). */
export function readUnits(bytes: number, options: { consistent?: boolean; transactional?: boolean } = {}): number {
  const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  if (options.transactional) return units * 2;
  return options.consistent ? units : units / 2;
}
