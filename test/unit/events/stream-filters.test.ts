/**
 * The stream readers' filter patterns (system/functions.ts STREAM_FILTERS) and the local matcher that applies
 * them (local/pollers/stream-filter.ts): every record a reader acts on passes its filter; the table's other
 * items (email claims, search entries, history versions, idempotency keys, balance updates) do not.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { toBillingEvent } from '../../../functions/billing/streams/billing-events';
import { emailItem, patientItem, searchItems, versionItem } from '../../../functions/patients/adapters/patient-items';
import { newPatient, type PatientRecord } from '../../../functions/patients/domain/patient';
import { changeOf, needsBilling, toPatientEvent } from '../../../functions/patients/streams/patient-events';
import { matchesPattern, passesFilters } from '../../../local/pollers/stream-filter';
import { functions, STREAM_FILTERS, type FilterPattern } from '../../../system/functions';

type Item = Record<string, unknown>;
let sequence = 0;
function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', oldItem?: Item, newItem?: Item): DynamoDBRecord {
  const image = (item?: Item) =>
    item ? (marshall(item, { removeUndefinedValues: true }) as Record<string, never>) : undefined;
  sequence += 1;
  return {
    eventID: `e${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { SequenceNumber: String(sequence), OldImage: image(oldItem), NewImage: image(newItem) },
  };
}

const created: PatientRecord = newPatient(
  {
    firstName: 'Grace',
    lastName: 'Hopper',
    email: 'grace@example.test',
    dateOfBirth: '1906-12-09',
    address: { street: '1 Main St', city: 'Arlington', state: 'VA', zipCode: '22201' },
    gender: 'female',
  } as never,
  'p-1',
  new Date('2026-01-01T00:00:00Z'),
);
const billed: PatientRecord = { ...created, billingStatus: 'ACTIVE', billingAccountId: 'acct-1' };
const updated: PatientRecord = { ...billed, firstName: 'Grace B.', version: 2, updatedAt: '2026-01-02T00:00:00.000Z' };
const deleted: PatientRecord = {
  ...updated,
  deletedAt: '2026-01-03T00:00:00.000Z',
  updatedAt: '2026-01-03T00:00:00.000Z',
};
const deletedPending: PatientRecord = { ...created, deletedAt: '2026-01-03T00:00:00.000Z' };

/** What one patient's life writes to the patients table's stream: its item, and every other item beside it. */
const patientsStream: DynamoDBRecord[] = [
  record('INSERT', undefined, patientItem(created)),
  record('INSERT', undefined, emailItem(created)),
  ...searchItems(created).map((entry) => record('INSERT', undefined, entry as unknown as Item)),
  record('INSERT', undefined, versionItem(created, 'WRITTEN')),
  record('MODIFY', patientItem(created), patientItem(billed)),
  record('INSERT', undefined, versionItem(billed, 'BILLING')),
  record('MODIFY', patientItem(billed), patientItem(updated)),
  record('MODIFY', patientItem(updated), patientItem(deleted)),
  record('MODIFY', patientItem(created), patientItem(deletedPending)),
  record('REMOVE', emailItem(created), undefined),
  record('REMOVE', patientItem(deleted), undefined),
];

const account = {
  patientId: 'p-1',
  accountId: 'acct-1',
  status: 'ACTIVE',
  createdAt: '2026-01-01T00:00:00.000Z',
  currency: 'USD',
  balance: 0,
  openedEventId: 'ev-open',
};
const transaction = {
  pk: 'ACCOUNT#acct-1',
  sk: 'TX#01',
  entity: 'TRANSACTION',
  transactionId: 'tx-1',
  accountId: 'acct-1',
  patientId: 'p-1',
  type: 'CHARGE',
  amount: 1500,
  currency: 'USD',
  createdAt: '2026-01-02T00:00:00.000Z',
  balanceAfter: 1500,
  eventId: 'ev-tx',
};
const billingStream: DynamoDBRecord[] = [
  record('INSERT', undefined, account),
  record('INSERT', undefined, transaction),
  record('INSERT', undefined, {
    pk: 'ACCOUNT#acct-1',
    sk: 'KEY#abc',
    entity: 'IDEMPOTENCY_KEY',
    transactionId: 'tx-1',
  }),
  record('MODIFY', account, { ...account, balance: 1500 }),
  record('REMOVE', transaction, undefined),
];

const triggerFilters = (name: 'publisher' | 'pending-billing' | 'billing-publisher') => {
  const trigger = functions[name].trigger;
  if (trigger.kind !== 'table-streams') throw new Error(`${name} reads no stream`);
  return trigger.filters;
};

describe('each stream reader receives exactly the records it acts on', () => {
  it('publisher: every patient change that becomes an event, and none of the other items', () => {
    const filters = triggerFilters('publisher');
    expect(filters).toBe(STREAM_FILTERS.publisher);
    const acted = patientsStream.filter((r) => {
      const change = changeOf(r);
      return change !== null && toPatientEvent(change) !== null;
    });
    expect(acted.length).toBe(4); // created, updated, deleted, deleted while pending
    for (const r of acted) expect(passesFilters(filters, r)).toBe(true);
    // Patient item writes pass (billing completion is told apart by version, which no filter can compare); the rest do not.
    const passed = patientsStream.filter((r) => passesFilters(filters, r));
    expect(passed.map((r) => r.eventID)).toEqual(
      patientsStream.filter((r) => r.eventName !== 'REMOVE' && changeOf(r) !== null).map((r) => r.eventID),
    );
  });

  it('pending billing: exactly the writes of PENDING patients that are not deleted', () => {
    const filters = triggerFilters('pending-billing');
    const acted = patientsStream.filter((r) => {
      const change = changeOf(r);
      return change !== null && needsBilling(change);
    });
    expect(acted.length).toBe(1);
    expect(patientsStream.filter((r) => passesFilters(filters, r))).toEqual(acted);
  });

  it('billing publisher: exactly the inserted accounts and transactions', () => {
    const filters = triggerFilters('billing-publisher');
    const acted = billingStream.filter((r) => toBillingEvent(r) !== null);
    expect(acted.map((r) => toBillingEvent(r)!.eventType)).toEqual(['ACCOUNT_OPENED', 'TRANSACTION_RECORDED']);
    expect(billingStream.filter((r) => passesFilters(filters, r))).toEqual(acted);
  });
});

describe('the matcher (the subset of the EventBridge pattern syntax the filters use)', () => {
  const event = { eventName: 'INSERT', dynamodb: { NewImage: { entity: { S: 'PATIENT' }, tags: { SS: ['a', 'b'] } } } };
  const cases: [string, FilterPattern, boolean][] = [
    ['an exact value', { eventName: ['INSERT'] }, true],
    ['another value', { eventName: ['MODIFY'] }, false],
    ['one of several values', { eventName: ['MODIFY', 'INSERT'] }, true],
    ['a nested exact value', { dynamodb: { NewImage: { entity: { S: ['PATIENT'] } } } }, true],
    ['a nested value that differs', { dynamodb: { NewImage: { entity: { S: ['EMAIL'] } } } }, false],
    ['a field that is absent', { dynamodb: { OldImage: { entity: { S: ['PATIENT'] } } } }, false],
    ['a prefix', { dynamodb: { NewImage: { entity: { S: [{ prefix: 'PAT' }] } } } }, true],
    ['a prefix that differs', { dynamodb: { NewImage: { entity: { S: [{ prefix: 'EM' }] } } } }, false],
    ['exists on a present leaf', { dynamodb: { NewImage: { entity: { S: [{ exists: true }] } } } }, true],
    ['exists on an absent leaf', { dynamodb: { NewImage: { deletedAt: { S: [{ exists: true }] } } } }, false],
    ['not exists on an absent leaf', { dynamodb: { NewImage: { deletedAt: { S: [{ exists: false }] } } } }, true],
    ['not exists on a present leaf', { dynamodb: { NewImage: { entity: { S: [{ exists: false }] } } } }, false],
    ['not exists under an absent object', { dynamodb: { OldImage: { entity: { S: [{ exists: false }] } } } }, true],
    // `exists` is for leaves: the attribute's object is not its value.
    ['exists on an object', { dynamodb: { NewImage: { entity: [{ exists: true }] } } }, false],
    ['a value among an array', { dynamodb: { NewImage: { tags: { SS: ['b'] } } } }, true],
    ['every field must match', { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['X'] } } } }, false],
  ];
  it.each(cases)('%s', (_, pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it('passes a record that matches any one filter, and every record without filters', () => {
    const filters: FilterPattern[] = [{ eventName: ['MODIFY'] }, { eventName: ['INSERT'] }];
    expect(passesFilters(filters, event)).toBe(true);
    expect(passesFilters([{ eventName: ['REMOVE'] }], event)).toBe(false);
    expect(passesFilters(undefined, event)).toBe(true);
    expect(passesFilters([], event)).toBe(true);
  });

  it('refuses a condition it does not implement rather than guess', () => {
    expect(() => matchesPattern({ eventName: [{ anythingBut: 'X' } as never] }, event)).toThrow(/Unsupported/);
  });
});
