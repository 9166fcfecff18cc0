/** Retry with capped exponential back-off until `work` succeeds or `running()` turns false. */
export async function retryUntilDone<T>(work: () => Promise<T>, running: () => boolean, onError: (error: unknown, attempt: number) => void): Promise<T | undefined> {
  for (let attempt = 0; running(); attempt++) {
    try {
      return await work();
    } catch (error) {
      onError(error, attempt);
      await sleep(Math.min(5000, 100 * 2 ** attempt));
    }
  }
  return undefined;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
