import {
  InvalidBillingRequest,
  LIMITS,
  validateOpenAccountRequest,
  validatePatientId,
} from '../../../billing/src/domain/billing-account';
import { emailAddress } from '../../../functions/commons/email';
import { isEmailAddress } from '../../../system/email-rule';

const valid = { patientId: 'b7d0c1e2-0000-4000-8000-000000000001', name: 'Ada Lovelace', email: 'ada@example.test' };

describe('validateOpenAccountRequest', () => {
  it('accepts a usual request, and gives name and email back trimmed (as the API stores them)', () => {
    expect(validateOpenAccountRequest(valid)).toEqual(valid);
    expect(validateOpenAccountRequest({ ...valid, name: ' Ada Lovelace ', email: ' ada@example.test  ' })).toEqual(
      valid,
    );
  });

  it('accepts every field at its limit', () => {
    const email = `${'e'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(56)}.test`; // 254 characters, the email rule's limit
    const atLimit = { patientId: 'p'.repeat(LIMITS.patientId), name: 'n'.repeat(LIMITS.name), email };
    expect(email).toHaveLength(254);
    expect(validateOpenAccountRequest(atLimit)).toEqual(atLimit);
  });

  it.each([
    ['empty patientId', { ...valid, patientId: '' }, 'patientId is required'],
    ['blank patientId', { ...valid, patientId: ' \t ' }, 'patientId'],
    [
      'patientId over the limit',
      { ...valid, patientId: 'p'.repeat(LIMITS.patientId + 1) },
      'patientId is longer than 128 characters',
    ],
    ['name over the limit', { ...valid, name: 'n'.repeat(LIMITS.name + 1) }, 'name is longer than 256 characters'],
    ['email over the limit', { ...valid, email: 'e'.repeat(LIMITS.email + 1) }, 'email is longer than 320 characters'],
    ['a NUL in the patientId', { ...valid, patientId: 'a\u0000b' }, 'patientId contains control characters'],
    ['a newline in the name', { ...valid, name: 'Ada\nLovelace' }, 'name contains control characters'],
    ['DEL in the email', { ...valid, email: 'ada\u007f@example.test' }, 'email contains control characters'],
    ['an empty name', { ...valid, name: '' }, 'name is required'],
    ['a blank name', { ...valid, name: ' \u00a0 ' }, 'name is required'],
    ['an empty email', { ...valid, email: '' }, 'email must be a valid email address'],
    ['an email without @', { ...valid, email: 'ada.example.test' }, 'email must be a valid email address'],
    ['an email without a domain', { ...valid, email: 'ada@' }, 'email must be a valid email address'],
    ['an email with two @', { ...valid, email: 'ada@lovelace@example.test' }, 'email must be a valid email address'],
    [
      'an email with a space inside',
      { ...valid, email: 'ada lovelace@example.test' },
      'email must be a valid email address',
    ],
    [
      'an email over 254 characters',
      { ...valid, email: `${'e'.repeat(60)}@${'d'.repeat(200)}.test` },
      'email must be a valid email address',
    ],
  ])('refuses %s, naming the field, not its value', (_, request, message) => {
    let thrown: unknown;
    try {
      validateOpenAccountRequest(request);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidBillingRequest);
    expect((thrown as Error).message).toContain(message);
    expect((thrown as Error).message).not.toContain('Ada');
  });

  it('keeps a patientId as sent (no trimming: ids are compared exactly)', () => {
    expect(validatePatientId(' p1 ')).toBe(' p1 ');
  });
});

describe('the email rule billing shares with the API', () => {
  it.each([
    'ada@example.test',
    'a.b+c@sub.example.co',
    "o'brien@example.test",
    'x@y.zz',
    '',
    'ada',
    'ada@',
    '@example.test',
    'ada@example',
    'ada@@example.test',
    'ada @example.test',
    '.ada@example.test',
    'ada..b@example.test',
    'ada@-example.test',
    `${'l'.repeat(65)}@example.test`,
    `ada@${'d'.repeat(64)}.test`,
    `${'e'.repeat(60)}@${'d'.repeat(200)}.test`,
  ])('judges %j as the API schema does', (address) => {
    expect(isEmailAddress(address)).toBe(emailAddress().safeParse(address).success);
  });
});
