import { backoffDelay, retry } from '../../../functions/commons/retry';
import {
  cancellationReasons,
  conditionFailed,
  isConditionalCheckFailure,
  isTransactionConflict,
} from '../../../functions/commons/dynamo-errors';

const failing = (times: number, error: unknown = new Error('busy')) => {
  let calls = 0;
  return {
    work: async () => {
      calls++;
      if (calls <= times) throw error;
      return calls;
    },
    calls: () => calls,
  };
};

describe('retry', () => {
  it('retries a retryable failure until it succeeds, waiting the back-off between attempts', async () => {
    const waits: [number, number][] = [];
    const { work } = failing(2);
    const result = await retry(work, {
      attempts: 5,
      retryable: () => true,
      backoff: { baseMs: 100, jitter: 'none' },
      wait: async (ms, failed) => {
        waits.push([ms, failed]);
      },
    });
    expect(result).toBe(3);
    expect(waits).toEqual([
      [100, 1],
      [200, 2],
    ]);
  });

  it('throws the last error once the attempts are used up', async () => {
    const { work, calls } = failing(10);
    await expect(retry(work, { attempts: 3, retryable: () => true })).rejects.toThrow('busy');
    expect(calls()).toBe(3);
  });

  it('throws at once what is not retryable', async () => {
    const { work, calls } = failing(10, new Error('bad input'));
    await expect(retry(work, { attempts: 3, retryable: (e) => (e as Error).message !== 'bad input' })).rejects.toThrow(
      'bad input',
    );
    expect(calls()).toBe(1);
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap; full jitter stays below the delay, add-half adds at most half', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { baseMs: 50, capMs: 500, jitter: 'none' }))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    for (let n = 1; n <= 6; n++) {
      const full = backoffDelay(n, { baseMs: 50, capMs: 500, jitter: 'full' });
      expect(full).toBeGreaterThanOrEqual(0);
      expect(full).toBeLessThan(Math.min(500, 50 * 2 ** (n - 1)));
      const half = backoffDelay(n, { baseMs: 100, jitter: 'add-half' });
      expect(half).toBeGreaterThanOrEqual(100 * 2 ** (n - 1));
      expect(half).toBeLessThanOrEqual(150 * 2 ** (n - 1));
    }
  });
});

describe('DynamoDB refusals', () => {
  const cancelled = (...codes: string[]) =>
    Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  it('reads a cancelled transaction by name, item by item', () => {
    expect(cancellationReasons(cancelled('None', 'ConditionalCheckFailed'))?.map(conditionFailed)).toEqual([
      false,
      true,
    ]);
    expect(cancellationReasons(new Error('other'))).toBeUndefined();
    expect(cancellationReasons(undefined)).toBeUndefined();
  });

  it('a conflict is worth another attempt only when no condition was false', () => {
    expect(isTransactionConflict(cancelled('TransactionConflict', 'None'))).toBe(true);
    expect(isTransactionConflict(cancelled('TransactionConflict', 'ConditionalCheckFailed'))).toBe(false);
    expect(isTransactionConflict(cancelled('None'))).toBe(false);
    expect(isTransactionConflict(new Error('TransactionConflict'))).toBe(false);
  });

  it('a single conditional write that failed', () => {
    expect(isConditionalCheckFailure(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe(
      true,
    );
    expect(isConditionalCheckFailure(cancelled('ConditionalCheckFailed'))).toBe(false);
  });
});
