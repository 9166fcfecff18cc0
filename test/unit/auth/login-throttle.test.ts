import {
  delayAfter,
  MAX_FAILURES,
  recentFailures,
  retryAfterSeconds,
  RUNNING_MS,
  throttleDecision,
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

describe('throttleDecision: attempts still running', () => {
  const attempts = (failures: number[], running: Record<string, number> = {}) => ({ failures, running, seq: 3 });
  const four = [600, 300, 200, 100].map(secondsAgo);

  it('counts a new attempt while failures and running attempts stay under the limit, keeping the recent failures', () => {
    expect(throttleDecision(attempts([secondsAgo(3600), ...four]), NOW)).toEqual({
      kind: 'count',
      keep: four,
      drop: [],
    });
  });

  it('waits when the limit is reached only with running attempts, which may yet succeed', () => {
    expect(throttleDecision(attempts(four, { a: secondsAgo(2) }), NOW)).toEqual({
      kind: 'wait',
      retryAfterSeconds: 28,
    });
    expect(throttleDecision(attempts([], { a: NOW, b: NOW, c: NOW, d: NOW, e: NOW }), NOW).kind).toBe('wait');
  });

  it('refuses at once when failures alone reach the limit, whatever is running', () => {
    expect(throttleDecision(attempts([...four, secondsAgo(1)], { a: secondsAgo(1) }), NOW)).toEqual({
      kind: 'refuse',
      retryAfterSeconds: 59,
    });
  });

  it('counts an attempt running for longer than RUNNING_MS as failed (its function ended mid-check) and drops it', () => {
    const crashed = secondsAgo(RUNNING_MS / 1000 + 1);
    expect(throttleDecision(attempts([secondsAgo(100)], { crashed }), NOW)).toEqual({
      kind: 'count',
      keep: [secondsAgo(100), crashed],
      drop: ['crashed'],
    });
    expect(throttleDecision(attempts(four, { crashed }), NOW).kind).toBe('refuse');
  });

  it('keeps a failure stamped a little later by another function clock', () => {
    expect(recentFailures([NOW + 500], NOW)).toEqual([NOW + 500]);
  });
});
