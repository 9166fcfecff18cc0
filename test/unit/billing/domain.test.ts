import { InvalidBillingRequest, LIMITS, validateOpenAccountRequest, validatePatientId } from '../../../billing/src/domain/billing-account';

const valid = { patientId: 'b7d0c1e2-0000-4000-8000-000000000001', name: 'Ada Lovelace', email: 'ada@example.test' };

describe('validateOpenAccountRequest', () => {
  it('accepts a usual request, and empty name and email (billing needs only the patient)', () => {
    expect(validateOpenAccountRequest(valid)).toEqual(valid);
    expect(validateOpenAccountRequest({ ...valid, name: '', email: '' })).toEqual({ ...valid, name: '', email: '' });
  });

  it('accepts every field at its limit', () => {
    const atLimit = { patientId: 'p'.repeat(LIMITS.patientId), name: 'n'.repeat(LIMITS.name), email: 'e'.repeat(LIMITS.email) };
    expect(validateOpenAccountRequest(atLimit)).toEqual(atLimit);
  });

  it.each([
    ['empty patientId', { ...valid, patientId: '' }, 'patientId is required'],
    ['blank patientId', { ...valid, patientId: ' \t ' }, 'patientId'],
    ['patientId over the limit', { ...valid, patientId: 'p'.repeat(LIMITS.patientId + 1) }, 'patientId is longer than 128 characters'],
    ['name over the limit', { ...valid, name: 'n'.repeat(LIMITS.name + 1) }, 'name is longer than 200 characters'],
    ['email over the limit', { ...valid, email: 'e'.repeat(LIMITS.email + 1) }, 'email is longer than 320 characters'],
    ['a NUL in the patientId', { ...valid, patientId: 'a\u0000b' }, 'patientId contains control characters'],
    ['a newline in the name', { ...valid, name: 'Ada\nLovelace' }, 'name contains control characters'],
    ['DEL in the email', { ...valid, email: 'ada\u007f@example.test' }, 'email contains control characters'],
  ])('refuses %s, naming the field, not its value', (_, request, message) => {
    let thrown: unknown;
    try { validateOpenAccountRequest(request); } catch (error) { thrown = error; }
    expect(thrown).toBeInstanceOf(InvalidBillingRequest);
    expect((thrown as Error).message).toContain(message);
    expect((thrown as Error).message).not.toContain('Ada');
  });

  it('keeps a patientId as sent (no trimming: ids are compared exactly)', () => {
    expect(validatePatientId(' p1 ')).toBe(' p1 ');
  });
});
