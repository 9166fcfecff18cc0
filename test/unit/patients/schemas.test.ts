/** Every rule of PatientInput, at its boundaries, with "today" fixed. */
import { isCalendarDate, patientInputSchema, Patient, PatientPage } from '../../../functions/patients/schemas';
import { fieldErrors } from '../../../functions/commons/http';

const TODAY = '2026-03-15';
const schema = patientInputSchema(() => TODAY);

const valid = () => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  dateOfBirth: '1990-12-10',
  address: { street: '1 St', city: 'London', state: 'CA', zipCode: '90001' },
});

function errorsFor(overrides: Record<string, unknown>) {
  const result = schema.safeParse({ ...valid(), ...overrides });
  return result.success ? [] : fieldErrors(result.error);
}
const fieldsFor = (overrides: Record<string, unknown>) => errorsFor(overrides).map((e) => e.field);

describe('PatientInput', () => {
  it('accepts a minimal valid patient and trims names', () => {
    const result = schema.parse({ ...valid(), firstName: '  Ada  ', lastName: '\tL ' });
    expect(result.firstName).toBe('Ada');
    expect(result.lastName).toBe('L');
    expect(result.registeredDate).toBeUndefined();
  });

  it.each(['firstName', 'lastName', 'email', 'dateOfBirth', 'address'])('requires %s', (field) => {
    const input: Record<string, unknown> = valid();
    delete input[field];
    expect(schema.safeParse(input).success).toBe(false);
    expect(fieldErrors(schema.safeParse(input).error!)[0]!.field).toBe(field);
  });

  it('refuses control characters inside names and address fields; letters of every script pass', () => {
    expect(fieldsFor({ firstName: 'A\u0000da' })).toEqual(['firstName']);
    expect(fieldsFor({ lastName: 'Love\nlace' })).toEqual(['lastName']);
    expect(fieldsFor({ lastName: 'ecal\u202eevoL' })).toEqual(['lastName']);
    expect(fieldsFor({ firstName: 'A\u0085da', lastName: 'Love\u2028lace' })).toEqual(['firstName', 'lastName']);
    expect(fieldsFor({ address: { ...valid().address, city: 'Lon\u007fdon' } })).toEqual(['address.city']);
    expect(errorsFor({ firstName: 'A\tda' })[0]!.message).toBe('Must not contain control characters');
    expect(fieldsFor({ firstName: 'José Ñoño', lastName: '李 O’Brien-Łukasz' })).toEqual([]);
  });

  it.each(['firstName', 'lastName'])('%s: 1-100 characters after trimming', (field) => {
    expect(fieldsFor({ [field]: '' })).toEqual([field]);
    expect(fieldsFor({ [field]: '   ' })).toEqual([field]);
    expect(fieldsFor({ [field]: 'a' })).toEqual([]);
    expect(fieldsFor({ [field]: 'a'.repeat(100) })).toEqual([]);
    expect(fieldsFor({ [field]: ` ${'a'.repeat(100)} ` })).toEqual([]);
    expect(fieldsFor({ [field]: 'a'.repeat(101) })).toEqual([field]);
    expect(fieldsFor({ [field]: 42 })).toEqual([field]);
  });

  it('email: a valid address of at most 254 characters', () => {
    for (const bad of ['plain', 'a@', '@b.com', 'a b@c.com', 'a@b', ''])
      expect(fieldsFor({ email: bad })).toEqual(['email']);
    const local = 'a'.repeat(64);
    const at254 = `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(at254).toHaveLength(254);
    expect(fieldsFor({ email: at254 })).toEqual([]);
    expect(fieldsFor({ email: `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com` })).toEqual([
      'email',
    ]);
    expect(fieldsFor({ email: 'Mixed.Case+tag@Example.co.uk' })).toEqual([]);
  });

  it('email: a local part of at most 64 characters, domain labels of at most 63 (RFC 5321)', () => {
    expect(fieldsFor({ email: `${'a'.repeat(65)}@example.com` })).toEqual(['email']);
    expect(fieldsFor({ email: `a@${'b'.repeat(64)}.com` })).toEqual(['email']);
    expect(fieldsFor({ email: `a@${'b'.repeat(63)}.com` })).toEqual([]);
  });

  it('dateOfBirth: a real calendar date, from 1900-01-01 to today', () => {
    expect(fieldsFor({ dateOfBirth: '1900-01-01' })).toEqual([]);
    expect(fieldsFor({ dateOfBirth: '1899-12-31' })).toEqual(['dateOfBirth']);
    expect(fieldsFor({ dateOfBirth: TODAY })).toEqual([]);
    expect(fieldsFor({ dateOfBirth: '2026-03-16' })).toEqual(['dateOfBirth']);
    expect(fieldsFor({ dateOfBirth: '2000-02-29' })).toEqual([]);
    for (const bad of [
      '2001-02-29',
      '1900-02-29',
      '2023-04-31',
      '2023-13-01',
      '2023-00-10',
      '2023-1-5',
      '20230105',
      '2023-01-05T00:00:00Z',
      'yesterday',
    ]) {
      expect(fieldsFor({ dateOfBirth: bad })).toEqual(['dateOfBirth']);
    }
    expect(errorsFor({ dateOfBirth: '2030-01-01' })).toEqual([
      { field: 'dateOfBirth', message: 'Must not be in the future' },
    ]);
  });

  it('address: an object with street 1-200, city 1-100, state 1-50, zipCode 1-20, nothing else', () => {
    const limits = { street: 200, city: 100, state: 50, zipCode: 20 } as const;
    for (const [field, max] of Object.entries(limits)) {
      const address = valid().address;
      expect(fieldsFor({ address: { ...address, [field]: 'x'.repeat(max) } })).toEqual([]);
      expect(fieldsFor({ address: { ...address, [field]: 'x'.repeat(max + 1) } })).toEqual([`address.${field}`]);
      expect(fieldsFor({ address: { ...address, [field]: ' ' } })).toEqual([`address.${field}`]);
      const missing: Record<string, string> = { ...address };
      delete missing[field];
      expect(fieldsFor({ address: missing })).toEqual([`address.${field}`]);
    }
    expect(fieldsFor({ address: 'Main St' })).toEqual(['address']);
    expect(errorsFor({ address: { ...valid().address, country: 'US' } })).toEqual([
      { field: 'address.country', message: 'Unknown field' },
    ]);
  });

  it('phoneNumber: optional, 7-20 characters of digits, spaces and +-()', () => {
    expect(fieldsFor({ phoneNumber: '1234567' })).toEqual([]);
    expect(fieldsFor({ phoneNumber: '+1 (555) 123-4567' })).toEqual([]);
    expect(fieldsFor({ phoneNumber: '1'.repeat(20) })).toEqual([]);
    expect(fieldsFor({ phoneNumber: '123456' })).toEqual(['phoneNumber']);
    expect(fieldsFor({ phoneNumber: '1'.repeat(21) })).toEqual(['phoneNumber']);
    for (const bad of ['555-CALL-NOW', '555.123.4567', '+1 555 123 4567 x', ''])
      expect(fieldsFor({ phoneNumber: bad })).toEqual(['phoneNumber']);
  });

  it('gender: optional, one of male, female, other, unknown', () => {
    for (const ok of ['male', 'female', 'other', 'unknown']) expect(fieldsFor({ gender: ok })).toEqual([]);
    for (const bad of ['Male', 'f', '', null]) expect(fieldsFor({ gender: bad })).toEqual(['gender']);
  });

  it('registeredDate: optional, a real date, not in the future', () => {
    expect(fieldsFor({ registeredDate: TODAY })).toEqual([]);
    expect(fieldsFor({ registeredDate: '2026-03-16' })).toEqual(['registeredDate']);
    expect(fieldsFor({ registeredDate: '2025-02-29' })).toEqual(['registeredDate']);
  });

  it('refuses unknown top-level fields by name', () => {
    expect(errorsFor({ id: 'x', version: 3 })).toEqual([{ field: 'id, version', message: 'Unknown field' }]);
  });

  it('reports every invalid field at once', () => {
    expect(fieldsFor({ firstName: '', email: 'x', gender: 'x' }).sort()).toEqual(['email', 'firstName', 'gender']);
  });
});

describe('isCalendarDate', () => {
  it('knows leap years', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2100-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
  });
});

describe('Patient and PatientPage', () => {
  const patient = {
    ...valid(),
    id: '3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60',
    registeredDate: '2026-01-01',
    billingAccountId: null,
    billingStatus: 'PENDING',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  it('describe the response shapes, without internal keys', () => {
    expect(Patient.safeParse(patient).success).toBe(true);
    expect(Patient.safeParse({ ...patient, pk: 'PATIENT#x' }).success).toBe(false);
    expect(PatientPage.safeParse({ patients: [patient], nextCursor: null }).success).toBe(true);
  });
});
