import {
  LOGIN_LIFETIME,
  loginEndsAt,
  loginIsLive,
  refreshExpiresAt,
  type LoginRecord,
} from '../../../functions/auth/domain/login-state';

const NOW = 1_700_000_000_000;
const login = (over: Partial<LoginRecord> = {}): LoginRecord => ({
  userId: 'u1',
  revoked: false,
  startedAt: NOW - 60_000,
  endsAt: NOW / 1000 + 3600,
  ...over,
});

describe('whether a login still grants access', () => {
  it("a live login of the token's own user", () => {
    expect(loginIsLive(login(), { emailVerified: false }, 'u1', NOW)).toBe(true);
  });

  it('refuses a missing, revoked, foreign or ended login', () => {
    expect(loginIsLive(undefined, { emailVerified: true }, 'u1', NOW)).toBe(false);
    expect(loginIsLive(login({ revoked: true }), { emailVerified: true }, 'u1', NOW)).toBe(false);
    expect(loginIsLive(login({ userId: 'u2' }), { emailVerified: true }, 'u1', NOW)).toBe(false);
    expect(loginIsLive(login({ endsAt: NOW / 1000 }), { emailVerified: true }, 'u1', NOW)).toBe(false);
  });

  it('refuses logins started before the last password change, not the one opened by it', () => {
    const changedAt = NOW - 1000;
    expect(
      loginIsLive(login({ startedAt: changedAt - 1 }), { emailVerified: true, loginsValidFrom: changedAt }, 'u1', NOW),
    ).toBe(false);
    expect(
      loginIsLive(login({ startedAt: changedAt }), { emailVerified: true, loginsValidFrom: changedAt }, 'u1', NOW),
    ).toBe(true);
  });
});

describe('login lifetimes', () => {
  it("staff logins end after 12 hours and an hour unused; a patient's after 30 days and a week unused", () => {
    expect(LOGIN_LIFETIME.admin).toEqual({ maxSeconds: 12 * 3600, idleSeconds: 3600 });
    expect(LOGIN_LIFETIME.clinician).toEqual(LOGIN_LIFETIME.admin);
    expect(loginEndsAt('patient', NOW)).toBe(NOW / 1000 + 30 * 86400);
  });

  it('a refresh token never outlives its login', () => {
    const endsAt = loginEndsAt('admin', NOW);
    expect(refreshExpiresAt('admin', NOW, endsAt)).toBe(NOW / 1000 + 3600);
    expect(refreshExpiresAt('admin', NOW + 11.5 * 3600_000, endsAt)).toBe(endsAt);
  });
});
