import { MAX_FAILURES, recentFailures, retryAfterSeconds, WINDOW_MS } from '../../../functions/auth/domain/login-throttle';

const NOW = 1_700_000_000_000;
const minutesAgo = (m: number) => NOW - m * 60_000;

describe('login throttle', () => {
  it('allows up to 4 recent failures', () => {
    expect(retryAfterSeconds([minutesAgo(1), minutesAgo(2), minutesAgo(3), minutesAgo(4)], NOW)).toBe(0);
    expect(retryAfterSeconds([], NOW)).toBe(0);
  });

  it('refuses at 5 failures within 15 minutes until the oldest one leaves the window', () => {
    const failures = [minutesAgo(10), minutesAgo(4), minutesAgo(3), minutesAgo(2), minutesAgo(1)];
    expect(MAX_FAILURES).toBe(5);
    expect(retryAfterSeconds(failures, NOW)).toBe(5 * 60);
    expect(retryAfterSeconds(failures, minutesAgo(10) + WINDOW_MS)).toBe(0);
  });

  it('ignores failures older than the window, and counts from the right one when there are more than 5', () => {
    const failures = [minutesAgo(30), minutesAgo(14), minutesAgo(12), minutesAgo(9), minutesAgo(5), minutesAgo(3), minutesAgo(1)];
    expect(recentFailures(failures, NOW)).toHaveLength(6);
    // 6 in the window: it frees when 2 have left, i.e. when the one 12 minutes ago expires (in 3 minutes).
    expect(retryAfterSeconds(failures, NOW)).toBe(3 * 60);
  });

  it('never answers less than one second while refusing', () => {
    const edge = NOW - WINDOW_MS + 1;
    expect(retryAfterSeconds([edge, edge, edge, edge, edge], NOW)).toBe(1);
  });
});
