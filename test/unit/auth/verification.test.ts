import {
  codeHash,
  newCode,
  recentSends,
  sameHash,
  verificationMail,
} from '../../../functions/auth/domain/verification';

describe('email verification codes', () => {
  it('six random digits, hashed per user (the same code of another user never matches)', () => {
    const codes = new Set(Array.from({ length: 200 }, newCode));
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(codes.size).toBeGreaterThan(190);
    expect(sameHash(codeHash('u1', '123456'), codeHash('u1', ' 123456 '))).toBe(true);
    expect(sameHash(codeHash('u1', '123456'), codeHash('u2', '123456'))).toBe(false);
    expect(codeHash('u1', '123456')).not.toContain('123456');
  });

  it('counts only the sends of the last hour', () => {
    const now = 1_700_000_000_000;
    expect(recentSends([now - 3_700_000, now - 3_500_000, now - 10], now)).toEqual([now - 3_500_000, now - 10]);
  });

  it('the message carries the code and its lifetime', () => {
    expect(verificationMail('042917').text).toMatch(/042917.*15 minutes/);
  });
});
