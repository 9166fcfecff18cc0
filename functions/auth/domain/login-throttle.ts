/** Failed-login throttling: 5 failures for one email within a sliding 15-minute window → refused. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;

/** Failures (epoch ms) still inside the window at `now`, oldest first. */
export function recentFailures(failures: readonly number[], now: number): number[] {
  return failures.filter((at) => at > now - WINDOW_MS && at <= now).sort((a, b) => a - b);
}

/** Seconds until a login may be tried again, or 0 when it may be tried now. */
export function retryAfterSeconds(failures: readonly number[], now: number): number {
  const recent = recentFailures(failures, now);
  if (recent.length < MAX_FAILURES) return 0;
  // The window frees once enough old failures leave it that fewer than MAX_FAILURES remain.
  const freeingFailure = recent[recent.length - MAX_FAILURES]!;
  return Math.max(1, Math.ceil((freeingFailure + WINDOW_MS - now) / 1000));
}
