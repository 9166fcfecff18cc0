/**
 * Failed-login throttling, per email *and* source address, so that nobody can lock someone else out by
 * failing on purpose from elsewhere: after 5 failures within a sliding 15 minutes, each further try waits
 * longer than the last (1, 2, 4, 8, then at most 15 minutes after the latest failure).
 */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;
const FIRST_DELAY_MS = 60 * 1000;

/**
 * An attempt still running after this long never finished (its function ended mid-check): it counts as failed.
 * A check takes at most the auth function's 10 s timeout.
 */
export const RUNNING_MS = 30 * 1000;

/** Failures (epoch ms) still inside the window at `now`, oldest first; one stamped later by another clock stays. */
export function recentFailures(failures: readonly number[], now: number): number[] {
  return failures.filter((at) => at > now - WINDOW_MS).sort((a, b) => a - b);
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

/** What is counted against one key (an email and source, or a login), as stored. */
export interface LoginAttempts {
  /** When each failed attempt ended (epoch ms). */
  failures: number[];
  /** The attempts whose check has not ended yet: when each started, by attempt id. */
  running: Record<string, number>;
  /** Grows with every change: a change is written only if none was made since the attempts were read. */
  seq: number;
}

/** What a new attempt may do. */
export type ThrottleDecision =
  /** Be counted as running, writing back the failures still recent and dropping the running ones that never ended. */
  | { kind: 'count'; keep: number[]; drop: string[] }
  /** Be refused: too many failures. */
  | { kind: 'refuse'; retryAfterSeconds: number }
  /** Wait: the limit is reached only with attempts still running, which may yet succeed and clear the key. */
  | { kind: 'wait'; retryAfterSeconds: number };

export function throttleDecision(attempts: LoginAttempts, now: number): ThrottleDecision {
  const running = Object.entries(attempts.running);
  const ended = running.filter(([, at]) => at <= now - RUNNING_MS);
  const live = running.filter(([, at]) => at > now - RUNNING_MS);
  const failures = recentFailures([...attempts.failures, ...ended.map(([, at]) => at)], now);
  const wait = retryAfterSeconds(failures, now);
  if (wait > 0) return { kind: 'refuse', retryAfterSeconds: wait };
  if (failures.length + live.length >= MAX_FAILURES) {
    // At the latest, the oldest running attempt counts as failed then.
    const decided = Math.min(...live.map(([, at]) => at)) + RUNNING_MS;
    return { kind: 'wait', retryAfterSeconds: Math.max(1, Math.ceil((decided - now) / 1000)) };
  }
  return { kind: 'count', keep: failures, drop: ended.map(([id]) => id) };
}
