/** Sizes of the reliability runs: full by default, shortened with RELIABILITY_SHORT=1 (as inside npm test). */
const short = process.env.RELIABILITY_SHORT === '1' || process.env.RELIABILITY_SHORT === 'true';

function number(name: string, full: number, shortened: number): number {
  const raw = process.env[name];
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
    return value;
  }
  return short ? shortened : full;
}

export const config = {
  short,
  fuzzRequests: number('RELIABILITY_FUZZ_REQUESTS', 5000, 500),
  loadSeconds: number('RELIABILITY_LOAD_SECONDS', 300, 20),
  loadRate: number('RELIABILITY_LOAD_RATE', 20, 20),
  faultCreates: number('RELIABILITY_FAULT_CREATES', 40, 12),
  seed: process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : Math.floor(Math.random() * 2 ** 31),
};
