/** What a benchmark module reports: plain figures, and comparisons measured in the same run with a goal. */

export interface Row {
  measure: string;
  value: string;
  baseline?: string;
  ratio?: number;
  goal?: string;
  verdict?: 'PASS' | 'MISS';
}

export interface ModuleReport {
  rows: Row[];
  notes: string[];
}

/** Thrown by a module whose component has not landed yet; the harness prints it and goes on. */
export class NotAvailable extends Error {
  constructor(readonly what: string) {
    super(`not available yet: ${what}`);
  }
}

export function figure(measure: string, value: number | string, unit = ''): Row {
  return { measure, value: typeof value === 'number' ? `${format(value)}${unit ? ` ${unit}` : ''}` : value };
}

/**
 * A ratio measured ÷ baseline with its goal: `<=` for costs (latency, size, time), `>=` for throughput.
 * A miss is reported, never thrown.
 */
export function comparison(
  measure: string,
  measured: number,
  baseline: number,
  unit: string,
  op: '<=' | '>=',
  target: number,
  baselineLabel = '',
): Row {
  const row = reference(measure, measured, baseline, unit, baselineLabel);
  const ratio = row.ratio!;
  const pass = Number.isFinite(ratio) && (op === '<=' ? ratio <= target : ratio >= target);
  return { ...row, goal: `${op} ${target}×`, verdict: pass ? 'PASS' : 'MISS' };
}

/** A ratio measured ÷ baseline with no goal of its own: a reference for the goals beside it. */
export function reference(measure: string, measured: number, baseline: number, unit: string, baselineLabel = ''): Row {
  return {
    measure,
    value: `${format(measured)} ${unit}`.trim(),
    baseline: `${format(baseline)} ${unit}${baselineLabel ? ` (${baselineLabel})` : ''}`.trim(),
    ratio: measured / baseline,
  };
}

/** A limit on an absolute figure (e.g. bundle under 30 KB). */
export function limit(measure: string, measured: number, unit: string, op: '<' | '<=' | '>=', target: number): Row {
  const pass = op === '<' ? measured < target : op === '<=' ? measured <= target : measured >= target;
  return {
    measure,
    value: `${format(measured)} ${unit}`,
    goal: `${op} ${format(target)} ${unit}`,
    verdict: pass ? 'PASS' : 'MISS',
  };
}

export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
