/** PUT and DELETE without If-Match: a lost race is read and written again; If-Match makes it a 412 at once. */
import { contended, PatientError, versionMismatch } from '../../../functions/patients/domain/errors';
import { lastWriterWins } from '../../../functions/patients/use-cases/lost-race';
import { PROBLEM_OF } from '../../../functions/patients/http-status';

/** A write that loses its first `losses` races, then wins. */
function racingWrite(losses: number) {
  let calls = 0;
  const write = async () => {
    calls++;
    if (calls <= losses) throw versionMismatch();
    return `won on attempt ${calls}`;
  };
  return { write, calls: () => calls };
}

const kindOf = (error: unknown) => (error instanceof PatientError ? error.kind : error);

describe('lastWriterWins', () => {
  it('without If-Match, reads and writes again after each lost race until it wins', async () => {
    const race = racingWrite(4);
    await expect(lastWriterWins(undefined, race.write)).resolves.toBe('won on attempt 5');
    expect(race.calls()).toBe(5);
  });

  it('without If-Match, a write that loses every race is CONTENDED (409, retry shortly), never a 412', async () => {
    const race = racingWrite(Infinity);
    const error = await lastWriterWins(undefined, race.write).catch((e: unknown) => e);
    expect(kindOf(error)).toBe('CONTENDED');
    expect(race.calls()).toBe(10);
    expect(PROBLEM_OF.CONTENDED).toEqual({ status: 409, retryAfterSeconds: 1 });
  });

  it('with If-Match, a lost race is a stale tag: one attempt, VERSION_MISMATCH (412)', async () => {
    const race = racingWrite(1);
    const error = await lastWriterWins([1], race.write).catch((e: unknown) => e);
    expect(kindOf(error)).toBe('VERSION_MISMATCH');
    expect(race.calls()).toBe(1);
  });

  it('passes other errors on at once', async () => {
    let calls = 0;
    const error = await lastWriterWins(undefined, async () => {
      calls++;
      throw contended();
    }).catch((e: unknown) => e);
    expect(kindOf(error)).toBe('CONTENDED');
    expect(calls).toBe(1);
  });
});
