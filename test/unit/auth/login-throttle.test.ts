import {
  delayAfter,
  MAX_FAILURES,
  recentFailures,
  retryAfterSeconds,
  WINDOW_MS,
} from '../../../functions/auth/domain/login-throttle';

const NOW = 1_700_000_000_000;
const secondsAgo = (s: number) => NOW - s * 1000;

describe('login throttle (per email and source)', () => {
  it('allows up to 4 recent failures', () => {
    expect(retryAfterSeconds([secondsAgo(1), secondsAgo(2), secondsAgo(3), secondsAgo(4)], NOW)).toBe(0);
    expect(retryAfterSeconds([], NOW)).toBe(0);
  });

  it('refuses right after the 5th failure within 15 minutes, for a minute: not a 15-minute lock', () => {
    const failures = [secondsAgo(600), secondsAgo(240), secondsAgo(180), secondsAgo(120), secondsAgo(1)];
    expect(MAX_FAILURES).toBe(5);
    expect(retryAfterSeconds(failures, NOW)).toBe(59);
    expect(retryAfterSeconds(failures, secondsAgo(1) + 60_000)).toBe(0);
  });

  it('waits longer after each further failure: 1, 2, 4, 8 minutes, then at most 15', () => {
    expect([5, 6, 7, 8, 9, 10, 20].map((n) => delayAfter(n) / 60_000)).toEqual([1, 2, 4, 8, 15, 15, 15]);
    const seven = [600, 500, 400, 300, 200, 100, 0].map(secondsAgo);
    expect(retryAfterSeconds(seven, NOW)).toBe(4 * 60);
  });

  it('ignores failures older than the window', () => {
    const failures = [
      secondsAgo(3600),
      secondsAgo(1800),
      secondsAgo(1000),
      secondsAgo(30),
      secondsAgo(10),
      secondsAgo(5),
    ];
    expect(recentFailures(failures, NOW)).toHaveLength(3);
    expect(retryAfterSeconds(failures, NOW)).toBe(0);
  });

  it('never answers less than one second while refusing', () => {
    const latest = NOW - 60_000 + 1;
    expect(retryAfterSeconds([latest - 4, latest - 3, latest - 2, latest - 1, latest], NOW)).toBe(1);
    expect(WINDOW_MS).toBe(15 * 60_000);
  });
});
