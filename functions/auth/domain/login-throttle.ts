/**
 * Failed-login throttling, per email *and* source address, so that nobody can lock someone else out by
 * failing on purpose from elsewhere: after 5 failures within a sliding 15 minutes, each further try waits
 * longer than the last (1, 2, 4, 8, then at most 15 minutes after the latest failure).
 */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;
const FIRST_DELAY_MS = 60 * 1000;

/** Failures (epoch ms) still inside the window at `now`, oldest first. */
export function recentFailures(failures: readonly number[], now: number): number[] {
  return failures.filter((at) => at > now - WINDOW_MS && at <= now).sort((a, b) => a - b);
}

/** How long after the latest failure the next try must wait, given `count` recent failures. */
export function delayAfter(count: number): number {
  if (count < MAX_FAILURES) return 0;
  return Math.min(WINDOW_MS, FIRST_DELAY_MS * 2 ** (count - MAX_FAILURES));
}

/** Seconds until a login may be tried again, or 0 when it may be tried now. */
export function retryAfterSeconds(failures: readonly number[], now: number): number {
  const recent = recentFailures(failures, now);
  const latest = recent[recent.length - 1];
  if (latest === undefined) return 0;
  const wait = latest + delayAfter(recent.length) - now;
  return wait > 0 ? Math.max(1, Math.ceil(wait / 1000)) : 0;
}
