import { retry, sleep } from '../../functions/commons/retry';

export { sleep };

const STOPPED = new Error('stopped');

/** Retry with capped exponential back-off until `work` succeeds or `running()` turns false (then undefined). */
export async function retryUntilDone<T>(
  work: () => Promise<T>,
  running: () => boolean,
  onError: (error: unknown, attempt: number) => void,
): Promise<T | undefined> {
  try {
    return await retry(
      async () => {
        if (!running()) throw STOPPED;
        return work();
      },
      {
        attempts: Infinity,
        retryable: (error, failedAttempt) => {
          if (error === STOPPED) return false;
          onError(error, failedAttempt - 1);
          return true;
        },
        backoff: { baseMs: 100, capMs: 5000, jitter: 'none' },
      },
    );
  } catch (error) {
    if (error === STOPPED) return undefined;
    throw error;
  }
}
