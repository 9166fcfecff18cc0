/**
 * The expressions of the in-memory DynamoDB (memory-dynamo.ts), the subset the project writes: update
 * expressions of top-level SET (values, `if_not_exists`, `list_append`, `+`, `-`), REMOVE (also of a map's entry,
 * `map.#key`), ADD and DELETE;
 * key conditions of a partition key equality and one sort-key comparison, BETWEEN or begins_with.
 */
type Item = Record<string, unknown>;
type Values = Record<string, unknown>;
type Names = Record<string, string>;

/** A key value as text (keys are strings or numbers; anything else sorts as empty). */
const keyText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** DynamoDB's order of key values: numbers by value, strings by character. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = keyText(a);
  const y = keyText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Splits at top-level commas (not inside parentheses). */
function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function attributeName(path: string, names: Names): string {
  const trimmed = path.trim();
  if (!/^#?[A-Za-z0-9_]+$/.test(trimmed)) throw new Error(`MemoryDynamo takes top-level attributes only: ${path}`);
  if (!trimmed.startsWith('#')) return trimmed;
  const name = names[trimmed];
  if (name === undefined) throw new Error(`No attribute name for ${trimmed}`);
  return name;
}

function operand(text: string, item: Item, names: Names, values: Values): unknown {
  const t = text.trim();
  if (t.startsWith(':')) {
    if (!(t in values)) throw new Error(`No attribute value for ${t}`);
    return values[t];
  }
  const call = /^(if_not_exists|list_append)\s*\((.*)\)$/s.exec(t);
  if (call) {
    const [a, b] = splitTopLevel(call[2]!);
    if (call[1] === 'if_not_exists') {
      const current = item[attributeName(a!, names)];
      return current !== undefined ? current : operand(b!, item, names, values);
    }
    return [
      ...((operand(a!, item, names, values) as unknown[]) ?? []),
      ...((operand(b!, item, names, values) as unknown[]) ?? []),
    ];
  }
  return item[attributeName(t, names)];
}

function valueExpression(text: string, item: Item, names: Names, values: Values): unknown {
  const arithmetic = /^(.+?)\s*([+-])\s*(:[A-Za-z0-9_]+|#?[A-Za-z0-9_]+)$/s.exec(text.trim());
  if (arithmetic && !/^(if_not_exists|list_append)\s*\(/.test(text.trim())) {
    const left = Number(operand(arithmetic[1]!, item, names, values) ?? 0);
    const right = Number(operand(arithmetic[3]!, item, names, values) ?? 0);
    return arithmetic[2] === '+' ? left + right : left - right;
  }
  return operand(text, item, names, values);
}

/**
 * Applies a SET / REMOVE / ADD / DELETE update expression to `item` (changed in place and returned; its
 * attributes are replaced, never changed in place). Every value is computed from the item as it was.
 */
export function applyUpdate(item: Item, expression: string, names: Names, values: Values): Item {
  const parts = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i);
  const original = { ...item };
  for (let i = 1; i < parts.length; i += 2) {
    const clause = parts[i]!.toUpperCase();
    for (const action of splitTopLevel(parts[i + 1] ?? '')) {
      if (clause === 'SET') {
        const at = action.indexOf('=');
        item[attributeName(action.slice(0, at), names)] = valueExpression(
          action.slice(at + 1),
          original,
          names,
          values,
        );
      } else if (clause === 'REMOVE') {
        const [attribute, entry] = action.split('.');
        if (entry === undefined) delete item[attributeName(action, names)];
        else {
          // A map's entry: the map is replaced by a copy without it.
          const name = attributeName(attribute!, names);
          const { [attributeName(entry, names)]: _removed, ...rest } = (item[name] ?? {}) as Item;
          item[name] = rest;
        }
      } else {
        const [path, value] = action.split(/\s+/);
        const name = attributeName(path!, names);
        const given = operand(value!, original, names, values);
        const current = item[name];
        if (given instanceof Set) {
          const set = new Set(current instanceof Set ? current : []);
          for (const v of given) {
            if (clause === 'ADD') set.add(v);
            else set.delete(v);
          }
          if (set.size > 0) item[name] = set;
          else delete item[name];
        } else if (clause === 'ADD') item[name] = Number(current ?? 0) + Number(given);
      }
    }
  }
  return item;
}

/**
 * A Query's key condition: the partition key value, and where a sort key stands against the sort-key
 * condition (-1 below it, 0 in it, 1 above it: every condition DynamoDB takes is a range of the order).
 */
export function keyCondition(
  expression: string,
  names: Names,
  values: Values,
  pkName: string,
): { pkValue: unknown; skRange: (sk: unknown) => -1 | 0 | 1 } {
  const pieces: string[] = [];
  for (const piece of expression.split(/\s+AND\s+/i)) {
    const previous = pieces.at(-1);
    if (previous && /\bBETWEEN\s+:[A-Za-z0-9_]+$/i.test(previous))
      pieces[pieces.length - 1] = `${previous} AND ${piece}`;
    else pieces.push(piece.trim());
  }
  let pkValue: unknown;
  let skRange: (sk: unknown) => -1 | 0 | 1 = () => 0;
  const within = (sk: unknown, low: unknown, high: unknown, lowIn = true, highIn = true): -1 | 0 | 1 => {
    if (low !== undefined) {
      const c = compareValues(sk, low);
      if (c < 0 || (c === 0 && !lowIn)) return -1;
    }
    if (high !== undefined) {
      const c = compareValues(sk, high);
      if (c > 0 || (c === 0 && !highIn)) return 1;
    }
    return 0;
  };
  for (const piece of pieces) {
    const beginsWith = /^begins_with\s*\(\s*(#?[A-Za-z0-9_]+)\s*,\s*(:[A-Za-z0-9_]+)\s*\)$/i.exec(piece);
    const between = /^(#?[A-Za-z0-9_]+)\s+BETWEEN\s+(:[A-Za-z0-9_]+)\s+AND\s+(:[A-Za-z0-9_]+)$/i.exec(piece);
    const compare = /^(#?[A-Za-z0-9_]+)\s*(=|<=|<|>=|>)\s*(:[A-Za-z0-9_]+)$/.exec(piece);
    if (beginsWith) {
      const prefix = keyText(values[beginsWith[2]!]);
      skRange = (sk) => {
        const text = keyText(sk);
        return text.startsWith(prefix) ? 0 : text < prefix ? -1 : 1;
      };
    } else if (between) {
      const [low, high] = [values[between[2]!], values[between[3]!]];
      skRange = (sk) => within(sk, low, high);
    } else if (compare) {
      const name = attributeName(compare[1]!, names);
      const value = values[compare[3]!];
      if (name === pkName && compare[2] === '=') {
        pkValue = value;
        continue;
      }
      const op = compare[2];
      skRange = (sk) =>
        op === '='
          ? within(sk, value, value)
          : op === '<'
            ? within(sk, undefined, value, true, false)
            : op === '<='
              ? within(sk, undefined, value)
              : op === '>'
                ? within(sk, value, undefined, false)
                : within(sk, value, undefined);
    } else throw new Error(`MemoryDynamo cannot read the key condition "${expression}"`);
  }
  if (pkValue === undefined) throw new Error(`No partition key equality in "${expression}"`);
  return { pkValue, skRange };
}
