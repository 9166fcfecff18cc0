/**
 * Reads the patients table's stream records as patient changes (old and new image), and turns a change
 * into the PatientEvent published on topic "patient", or into nothing when the change is not one clients
 * made (billing completion). No SDK client, no Kafka.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { PatientEvent } from '../../../proto/gen/patient_event';
import { isPatientItem } from '../adapters/patient-items';
import type { PatientRecord } from '../domain/patient';

export const SCHEMA_VERSION = 2;

/** The fields of a stored patient item this mapping reads (the patients adapter owns the item: patient-items.ts). */
export type StoredPatient = Pick<
  PatientRecord,
  'id' | 'firstName' | 'lastName' | 'email' | 'dateOfBirth' | 'registeredDate' | 'version'
> &
  Partial<Pick<PatientRecord, 'updatedAt' | 'deletedAt'>> & {
    entity?: string;
    address?: Partial<PatientRecord['address']>;
    gender?: string;
    billingStatus?: string;
  };

export type EventType = 'PATIENT_CREATED' | 'PATIENT_UPDATED' | 'PATIENT_DELETED';

export interface PatientChange {
  /** The stream record's id: stable across redeliveries, so it makes a stable event id. */
  changeId: string;
  oldImage?: StoredPatient;
  newImage?: StoredPatient;
  /** When the change happened (the stream record's approximate creation time). */
  occurredAt: string;
}

function image(value: Record<string, unknown> | undefined): StoredPatient | undefined {
  return value ? (unmarshall(value as Record<string, AttributeValue>) as StoredPatient) : undefined;
}

/** The patient change a stream record holds, or null for the table's other items (email claims, search entries, markers). */
export function changeOf(record: DynamoDBRecord): PatientChange | null {
  const oldImage = image(record.dynamodb?.OldImage);
  const newImage = image(record.dynamodb?.NewImage);
  if (!isPatientItem(newImage ?? oldImage)) return null;
  // The record's own write time (ms precision); the stream's approximate time is rounded to the minute.
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  const occurredAt =
    newImage?.deletedAt ??
    newImage?.updatedAt ??
    (seconds ? new Date(seconds * 1000).toISOString() : new Date().toISOString());
  return {
    changeId: record.eventID ?? `${newImage?.id}:${record.dynamodb?.SequenceNumber}`,
    oldImage,
    newImage,
    occurredAt,
  };
}

export function eventTypeOf({ oldImage, newImage }: PatientChange): EventType | null {
  if (!newImage) return null; // items are soft-deleted; a hard delete is housekeeping, not a client action
  if (!oldImage) return newImage.deletedAt ? null : 'PATIENT_CREATED';
  if (newImage.deletedAt && !oldImage.deletedAt) return 'PATIENT_DELETED';
  if (newImage.deletedAt) return null;
  if (newImage.version > oldImage.version) return 'PATIENT_UPDATED';
  return null; // billing completion leaves version alone: not an event for consumers
}

const birthYear = (p?: StoredPatient) => (p?.dateOfBirth ? Number(p.dateOfBirth.slice(0, 4)) : 0);

export function toPatientEvent(change: PatientChange): PatientEvent | null {
  const type = eventTypeOf(change);
  if (!type) return null;
  const current = change.newImage!;
  const before = type === 'PATIENT_CREATED' ? undefined : change.oldImage;
  return {
    patientId: current.id,
    name: `${current.firstName} ${current.lastName}`,
    email: current.email,
    eventType: type,
    eventId: change.changeId,
    occurredAt: change.occurredAt,
    schemaVersion: SCHEMA_VERSION,
    state: current.address?.state ?? '',
    birthYear: birthYear(current),
    gender: current.gender ?? '',
    registeredDate: current.registeredDate ?? '',
    beforeState: before?.address?.state ?? '',
    beforeBirthYear: birthYear(before),
    beforeGender: before?.gender ?? '',
    beforeRegisteredDate: before?.registeredDate ?? '',
    version: current.version,
  };
}

/** A patient whose billing account is still to be opened (create could not reach billing). */
export function needsBilling(change: PatientChange): boolean {
  const image = change.newImage;
  return Boolean(image && image.billingStatus === 'PENDING' && !image.deletedAt);
}
