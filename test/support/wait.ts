/** The one polling wait of the tests: a hang guard, never a timing assertion. */

export interface WaitOptions {
  /** Give up after this long (default 30 s). */
  limitMs?: number;
  /** Poll this often (default 50 ms). */
  everyMs?: number;
  /** Try again when the probe throws (a system restarting); the last error is named on giving up. */
  retryErrors?: boolean;
}

/** Polls `probe` until it gives a value (anything but undefined or false) and returns it; fails naming `what` after the limit. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  what: string,
  options: WaitOptions = {},
): Promise<Exclude<T, undefined | false>> {
  const { limitMs = 30_000, everyMs = 50, retryErrors = false } = options;
  const deadline = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    } catch (error) {
      if (!retryErrors) throw error;
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `gave up waiting for ${what} after ${limitMs / 1000} s${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
