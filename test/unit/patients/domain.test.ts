/** Domain rules: the role matrix, ETags and If-Match, search terms and the one-entry-per-patient rule. */
import {
  mayPerform,
  PATIENT_ACTIONS,
  seesOnlyOwnRecord,
  type PatientAction,
} from '../../../functions/patients/domain/access';
import {
  emailKey,
  expectedVersions,
  fingerprintOf,
  isPatientId,
  matchesSearch,
  newPatient,
  replacedPatient,
  stateKey,
  toPublic,
  versionsOf,
  type PatientRecord,
} from '../../../functions/patients/domain/patient';
import {
  isRepresentativeEntry,
  searchItems,
  patientItem,
  fromPatientItem,
  versionItem,
} from '../../../functions/patients/adapters/patient-items';

describe('role matrix', () => {
  it.each([
    ['admin', ['LIST', 'READ', 'CREATE', 'UPDATE', 'DELETE', 'HISTORY', 'AUDIT_READ']],
    ['clinician', ['LIST', 'READ', 'CREATE', 'UPDATE', 'HISTORY']],
    ['patient', ['LIST', 'READ', 'HISTORY', 'AUDIT_READ']],
  ] as const)('%s may do exactly %j', (role, allowed) => {
    expect(PATIENT_ACTIONS.filter((action: PatientAction) => mayPerform(role, action))).toEqual(allowed);
  });

  it('only the patient role is restricted to its own record', () => {
    expect(seesOnlyOwnRecord('patient')).toBe(true);
    expect(seesOnlyOwnRecord('clinician')).toBe(false);
    expect(seesOnlyOwnRecord('admin')).toBe(false);
  });
});

describe('If-Match', () => {
  it('reads the versions of strong and bare tags, one or a list; * or absent means any', () => {
    expect(expectedVersions('"3"')).toEqual([3]);
    expect(expectedVersions('3')).toEqual([3]);
    expect(expectedVersions(' "12" ')).toEqual([12]);
    expect(expectedVersions('"6", "999"')).toEqual([6, 999]);
    expect(expectedVersions('*')).toBeUndefined();
    expect(expectedVersions(undefined)).toBeUndefined();
  });
  it('matches nothing (412) for weak tags, which If-Match compares strongly, and for garbage', () => {
    expect(expectedVersions('W/"3"')).toEqual([]);
    expect(expectedVersions('"abc"')).toEqual([]);
    expect(expectedVersions('W/"3", "x"')).toEqual([]);
  });
});

const input = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'Ada@Example.com',
  dateOfBirth: '1990-12-10',
  address: { street: '1 St', city: 'London', state: ' ca ', zipCode: '1' },
  phoneNumber: '1234567',
};
const now = new Date('2026-03-15T10:00:00.000Z');

describe('patient lifecycle values', () => {
  it('a new patient: version 1, PENDING billing, registeredDate today (UTC) unless given', () => {
    const p = newPatient(input, 'id-1', now);
    expect(p).toMatchObject({
      id: 'id-1',
      version: 1,
      billingStatus: 'PENDING',
      billingAccountId: null,
      registeredDate: '2026-03-15',
      createdAt: now.toISOString(),
    });
    expect(newPatient({ ...input, registeredDate: '2020-01-01' }, 'id', now).registeredDate).toBe('2020-01-01');
  });

  it('a replaced patient: version +1, client fields replaced, registeredDate kept when omitted, billing kept', () => {
    const current: PatientRecord = {
      ...newPatient(input, 'id-1', now),
      billingStatus: 'ACTIVE',
      billingAccountId: 'acc-1',
    };
    const { phoneNumber: _p, ...rest } = input;
    const next = replacedPatient(current, { ...rest, firstName: 'Grace' }, new Date('2026-03-16T00:00:00.000Z'));
    expect(next).toMatchObject({
      firstName: 'Grace',
      version: 2,
      registeredDate: '2026-03-15',
      billingStatus: 'ACTIVE',
      billingAccountId: 'acc-1',
      createdAt: current.createdAt,
    });
    expect(next.phoneNumber).toBeUndefined();
    expect(next.updatedAt).toBe('2026-03-16T00:00:00.000Z');
  });

  it('the public record drops the soft-delete mark', () => {
    const p = { ...newPatient(input, 'id', now), deletedAt: now.toISOString() };
    expect(toPublic(p)).not.toHaveProperty('deletedAt');
  });

  it('storage items round-trip without leaking keys', () => {
    const p = newPatient(input, '3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60', now);
    const item = patientItem(p);
    expect(item).toMatchObject({
      pk: `PATIENT#${p.id}`,
      sk: 'PATIENT',
      gsi1pk: expect.stringMatching(/^PATIENTS#\d+$/),
      gsi2pk: expect.stringMatching(/^STATE#CA#\d+$/),
      emailLower: 'ada@example.com',
    });
    expect(fromPatientItem(item)).toEqual(p);
  });

  it('a stored state: sorted by version, then by what made it; no index keys; reads back as the record', () => {
    const p = { ...newPatient(input, '3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60', now), version: 12 };
    const keys = (['WRITTEN', 'BILLING', 'DELETED'] as const).map((revision) => versionItem(p, revision).sk);
    expect(keys).toEqual(['VERSION#0000000012#0', 'VERSION#0000000012#1', 'VERSION#0000000012#2']);
    expect([...keys].sort()).toEqual(keys);
    expect(String(versionItem({ ...p, version: 9 }, 'DELETED').sk) < String(versionItem(p, 'WRITTEN').sk)).toBe(true);
    const item = versionItem({ ...p, deletedAt: now.toISOString() }, 'DELETED');
    expect(item).toMatchObject({
      pk: `PATIENT#${p.id}`,
      entity: 'VERSION',
      revision: 'DELETED',
      deletedAt: now.toISOString(),
    });
    expect(Object.keys(item).filter((k) => k.startsWith('gsi') || k === 'emailLower')).toEqual([]);
    expect(fromPatientItem(versionItem(p, 'WRITTEN'))).toEqual(p);
  });

  it('versions as clients see them: one per version, its last state before any deletion, newest first', () => {
    const v1 = newPatient(input, 'id-1', now);
    const v1Active = { ...v1, billingStatus: 'ACTIVE' as const, billingAccountId: 'acc' };
    const v2 = { ...v1Active, version: 2, firstName: 'Two' };
    const v2Deleted = { ...v2, deletedAt: now.toISOString() };
    expect(versionsOf([v2Deleted, v2, v1Active, v1])).toEqual([v2, v1Active]);
    expect(versionsOf([])).toEqual([]);
  });

  it('normalises keys: email lowercased, state uppercased and trimmed; ids are UUIDs', () => {
    expect(emailKey(' A@B.COM ')).toBe('a@b.com');
    expect(stateKey(' ca ')).toBe('CA');
    expect(isPatientId('3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60')).toBe(true);
    expect(isPatientId('PATIENT#1')).toBe(false);
    expect(isPatientId(undefined)).toBe(false);
  });

  it('fingerprints ignore key order but not values', () => {
    expect(fingerprintOf({ a: 1, b: { c: 2, d: 3 } })).toBe(fingerprintOf({ b: { d: 3, c: 2 }, a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
  });
});

describe('prefix search', () => {
  const p = newPatient({ ...input, firstName: 'Anna', lastName: 'Annable', email: 'anna@x.org' }, 'id-9', now);
  const entries = searchItems(p);

  it("writes one entry per field, in the partition of its first character (and the patient's shard)", () => {
    const shard = entries[0]!.gsi1pk.split('#')[2];
    expect(shard).toMatch(/^\d+$/);
    expect(entries.map((e) => [e.gsi1pk, e.gsi1sk])).toEqual([
      [`SEARCH#a#${shard}`, 'anna#first#id-9'],
      [`SEARCH#a#${shard}`, 'annable#last#id-9'],
      [`SEARCH#a#${shard}`, 'anna@x.org#email#id-9'],
    ]);
    expect(matchesSearch(p, 'annab')).toBe(true);
    expect(matchesSearch(p, 'bob')).toBe(false);
  });

  it('represents a patient by exactly one matching entry, whatever the prefix', () => {
    for (const prefix of ['a', 'an', 'anna', 'anna@', 'annab', 'anna#']) {
      const representatives = entries.filter((e) => isRepresentativeEntry(e, prefix));
      expect(representatives).toHaveLength(prefix === 'anna#' ? 0 : 1);
    }
    expect(entries.filter((e) => isRepresentativeEntry(e, 'annab')).map((e) => e.field)).toEqual(['last']);
  });
});
