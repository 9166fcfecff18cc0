/**
 * Lambda's event filtering for the local stream poller: the subset of the EventBridge pattern syntax the
 * definitions use (system/functions.ts FilterPattern: exact strings, `prefix`, `exists`), applied to a record
 * as the function would receive it. A record passes when any pattern matches it, as Lambda ORs its filters.
 * A condition this matcher does not know throws rather than guessing: a wrong guess could drop records.
 */
import type { FilterCondition, FilterPattern } from '../../system/functions';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether one leaf condition accepts a value that is present (`undefined`: the field is absent). */
function accepts(condition: FilterCondition, value: unknown): boolean {
  if (typeof condition === 'string') return value === condition;
  if ('exists' in condition) {
    // `exists` applies to leaves only: an object there is not the field's value (EventBridge does the same).
    const present = value !== undefined && !isObject(value);
    return condition.exists === present;
  }
  if ('prefix' in condition) return typeof value === 'string' && value.startsWith(condition.prefix);
  throw new Error(`Unsupported filter condition ${JSON.stringify(condition)}`);
}

function leafMatches(conditions: readonly FilterCondition[], value: unknown): boolean {
  // An array in the event matches when any of its elements does.
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return conditions.some((condition) => values.some((v) => accepts(condition, v)));
}

/** Whether a record (as plain JSON) matches one pattern: every field the pattern names. */
export function matchesPattern(pattern: FilterPattern, record: unknown): boolean {
  const fields = isObject(record) ? record : {};
  return Object.entries(pattern).every(([field, expected]) => {
    const value = fields[field];
    if (Array.isArray(expected)) return leafMatches(expected as readonly FilterCondition[], value);
    // A nested pattern on a missing field: only `exists: false` conditions below it can match.
    return matchesPattern(expected as FilterPattern, value);
  });
}

/** Whether a record reaches the function: no filters, or any one of them matches. */
export function passesFilters(filters: readonly FilterPattern[] | undefined, record: unknown): boolean {
  return !filters || filters.length === 0 || filters.some((pattern) => matchesPattern(pattern, record));
}
