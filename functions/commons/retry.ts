/**
 * The one retry loop and back-off of the project: the billing client, the DynamoDB adapters, the use cases
 * that re-read after a lost race, the local pollers and the bench all retry through here.
 */

/** Capped exponential back-off: `baseMs` after the first failed attempt, doubled after each further one, at most `capMs`. */
export interface Backoff {
  baseMs: number;
  capMs?: number;
  /**
   * `full`: a random wait up to the delay (spreads writers contending for the same items);
   * `add-half`: the delay plus up to half of it (callers do not retry in lockstep, yet wait at least the delay);
   * `none`: the delay itself.
   */
  jitter: 'full' | 'add-half' | 'none';
}

export interface RetryOptions {
  /** Attempts in all, the first included (`Infinity`: until `retryable` says no). */
  attempts: number;
  /** Whether a failure is worth another attempt (`failedAttempt` is 1 for the first). */
  retryable: (error: unknown, failedAttempt: number) => boolean;
  /** The wait between attempts; none (an immediate retry) when left out. */
  backoff?: Backoff;
  /** How to wait (tests replace it to act between attempts deterministically). */
  wait?: (ms: number, failedAttempt: number) => Promise<void>;
}

/**
 * A write that lost a race to another writer of the same item, read again and retried (last writer wins): a
 * random wait spreads the racers apart, so ten of them all get through.
 */
export const REREAD_AFTER_LOST_RACE: Pick<RetryOptions, 'attempts' | 'backoff'> = {
  attempts: 10,
  backoff: { baseMs: 10, capMs: 200, jitter: 'full' },
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait after attempt number `failedAttempt` (1 for the first). */
export function backoffDelay(failedAttempt: number, backoff: Backoff): number {
  const delay = Math.min(backoff.capMs ?? Infinity, backoff.baseMs * 2 ** (failedAttempt - 1));
  switch (backoff.jitter) {
    case 'full':
      return Math.random() * delay;
    case 'add-half':
      return Math.round(delay + Math.random() * delay * 0.5);
    case 'none':
      return delay;
  }
}

/** Runs `work` until it succeeds, fails in a way that is not `retryable`, or has used up its attempts (then its last error is thrown). */
export async function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.wait ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error, attempt)) throw error;
      if (options.backoff) await wait(backoffDelay(attempt, options.backoff), attempt);
    }
  }
}
