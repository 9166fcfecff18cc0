import protobuf from 'protobufjs';
import { PatientEvent } from '../../../proto/gen/patient_event';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import {
  changeOf,
  eventTypeOf,
  needsBilling,
  toPatientEvent,
  type StoredPatient,
} from '../../../functions/patients/streams/patient-events';
import { patientItem, versionItem } from '../../../functions/patients/adapters/patient-items';
import { newPatient } from '../../../functions/patients/domain/patient';

const patient = (over: Partial<StoredPatient> = {}): StoredPatient => ({
  entity: 'PATIENT',
  id: 'p-1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  dateOfBirth: '1985-12-10',
  address: { state: 'CA' },
  gender: 'female',
  registeredDate: '2026-01-02',
  version: 1,
  billingStatus: 'ACTIVE',
  updatedAt: '2026-01-02T03:04:05.678Z',
  ...over,
});
const change = (oldImage?: StoredPatient, newImage?: StoredPatient) => ({
  changeId: 'evt-1',
  oldImage,
  newImage,
  occurredAt: '2026-01-02T03:04:05.678Z',
});

// The original system's event, fields 1-4 only (package patient.events).
const ORIGINAL_PROTO = `syntax = "proto3"; package patient.events;
message PatientEvent { string patientId = 1; string name = 2; string email = 3; string event_type = 4; }`;

describe('patient change → PatientEvent', () => {
  it('names creates, client updates and soft deletes; ignores billing completion', () => {
    expect(eventTypeOf(change(undefined, patient()))).toBe('PATIENT_CREATED');
    expect(eventTypeOf(change(patient(), patient({ version: 2, address: { state: 'NY' } })))).toBe('PATIENT_UPDATED');
    expect(eventTypeOf(change(patient(), patient({ deletedAt: '2026-02-01T00:00:00Z' })))).toBe('PATIENT_DELETED');
    expect(eventTypeOf(change(patient({ billingStatus: 'PENDING' }), patient()))).toBeNull();
    expect(eventTypeOf(change(patient({ deletedAt: 'x' }), patient({ deletedAt: 'x' })))).toBeNull();
    expect(eventTypeOf(change(patient(), undefined))).toBeNull();
  });

  it('carries the original four fields plus the non-identifying figures analytics needs', () => {
    const event = toPatientEvent(
      change(patient(), patient({ version: 2, address: { state: 'NY' }, gender: 'other' })),
    )!;
    expect(event).toEqual(
      expect.objectContaining({
        patientId: 'p-1',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        eventType: 'PATIENT_UPDATED',
        eventId: 'evt-1',
        schemaVersion: 2,
        state: 'NY',
        birthYear: 1985,
        gender: 'other',
        beforeState: 'CA',
        beforeGender: 'female',
        version: 2,
      }),
    );
  });

  it('asks for billing only for a live PENDING patient', () => {
    expect(needsBilling(change(undefined, patient({ billingStatus: 'PENDING' })))).toBe(true);
    expect(needsBilling(change(undefined, patient()))).toBe(false);
    expect(needsBilling(change(undefined, patient({ billingStatus: 'PENDING', deletedAt: 'x' })))).toBe(false);
  });

  it('decodes with the original four-field proto, fields 1-4 intact and the new fields ignored', () => {
    const bytes = PatientEvent.encode(toPatientEvent(change(undefined, patient()))!).finish();
    const Original = protobuf.parse(ORIGINAL_PROTO, { keepCase: true }).root.lookupType('patient.events.PatientEvent');
    expect(Original.toObject(Original.decode(bytes))).toEqual({
      patientId: 'p-1',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      event_type: 'PATIENT_CREATED',
    });
  });
});

describe('stream records', () => {
  const record = (newImage: Record<string, unknown>, oldImage?: Record<string, unknown>): DynamoDBRecord => ({
    eventID: 'e-1',
    eventName: oldImage ? 'MODIFY' : 'INSERT',
    dynamodb: {
      NewImage: marshall(newImage, { removeUndefinedValues: true }) as never,
      ...(oldImage ? { OldImage: marshall(oldImage, { removeUndefinedValues: true }) as never } : {}),
    },
  });
  const stored = newPatient(
    {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      dateOfBirth: '1985-12-10',
      address: { street: 's', city: 'c', state: 'CA', zipCode: '1' },
    },
    '3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60',
    new Date('2026-01-02T00:00:00.000Z'),
  );

  it('a patient item is a change; a stored state of its history is none (no event, no billing call)', () => {
    const created = changeOf(record(patientItem(stored)));
    expect(created && toPatientEvent(created)?.eventType).toBe('PATIENT_CREATED');
    expect(created && needsBilling(created)).toBe(true);
    for (const revision of ['WRITTEN', 'BILLING', 'DELETED'] as const) {
      expect(
        changeOf(record(versionItem({ ...stored, deletedAt: revision === 'DELETED' ? 'x' : undefined }, revision))),
      ).toBeNull();
    }
  });
});
