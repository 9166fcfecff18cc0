import { AuthError } from '../../../functions/auth/domain/errors';
import { assertAcceptablePassword, isCommonPassword } from '../../../functions/auth/domain/password-policy';

describe('breached and common passwords (NIST SP 800-63B)', () => {
  it.each(['password', '12345678', 'Password123', 'qwerty123', 'iloveyou', 'letmein1'])('refuses %j', (password) => {
    expect(isCommonPassword(password)).toBe(true);
  });

  it.each(['kiwi-lantern-73', 'correct horse battery staple', 'x'.repeat(128)])('accepts %j', (password) => {
    expect(isCommonPassword(password)).toBe(false);
  });

  it('refuses the email address or its local part as the password, naming the field', () => {
    for (const password of ['Ada.Lovelace@example.com', 'ada.lovelace']) {
      expect(() => assertAcceptablePassword(password, 'ada.lovelace@example.com', 'password')).toThrow(AuthError);
    }
    try {
      assertAcceptablePassword('12345678', 'a@b.co', 'newPassword');
    } catch (error) {
      expect(error).toMatchObject({ kind: 'COMMON_PASSWORD', field: 'newPassword' });
    }
    expect(() => assertAcceptablePassword('kiwi-lantern-73', 'a@b.co', 'password')).not.toThrow();
  });
});
