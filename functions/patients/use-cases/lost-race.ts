/**
 * PUT and DELETE without If-Match: a write that lost a race (its conditional write's VERSION_MISMATCH) reads the
 * record again and writes again, last writer wins. A random wait spreads the racing writers apart; one that still
 * loses after every attempt gets CONTENDED (409, retry shortly), since a 412 answers only a stale If-Match.
 */
import { REREAD_AFTER_LOST_RACE, retry } from '../../commons/retry';
import { contended, isVersionMismatch } from '../domain/errors';

/**
 * No new attempt after this long: with a last attempt's own transaction retries, the answer still comes well within
 * the function's 10 s.
 */
const BUDGET_MS = 3000;

/** Runs `write` once when If-Match named versions (`wanted`), else until it wins a race. */
export async function lastWriterWins<T>(wanted: readonly number[] | undefined, write: () => Promise<T>): Promise<T> {
  if (wanted !== undefined) return write();
  const started = performance.now();
  try {
    return await retry(write, {
      ...REREAD_AFTER_LOST_RACE,
      retryable: (error) => isVersionMismatch(error) && performance.now() - started < BUDGET_MS,
    });
  } catch (error) {
    throw isVersionMismatch(error) ? contended() : error;
  }
}
