import { ageBand, applyEvent, figuresOf, type Deltas } from '../../../functions/analytics/aggregates';
import type { PatientEvent } from '../../../proto/gen/patient_event';

const event = (over: Partial<PatientEvent>): PatientEvent => ({
  patientId: 'p',
  name: '',
  email: '',
  eventType: 'PATIENT_CREATED',
  eventId: 'e',
  occurredAt: '2026-01-01T00:00:00Z',
  schemaVersion: 2,
  state: 'CA',
  birthYear: 1990,
  gender: 'female',
  registeredDate: '2026-01-01',
  beforeState: '',
  beforeBirthYear: 0,
  beforeGender: '',
  beforeRegisteredDate: '',
  version: 1,
  ...over,
});

function run(events: PatientEvent[]): Record<string, number> {
  const deltas: Deltas = new Map();
  for (const e of events) applyEvent(deltas, e);
  return Object.fromEntries(deltas);
}

describe('analytics aggregates', () => {
  it('counts a create in every breakdown', () => {
    expect(run([event({})])).toEqual({
      eventsProcessed: 1,
      total: 1,
      state_CA: 1,
      gender_female: 1,
      birthYear_1990: 1,
      'day_2026-01-01': 1,
    });
  });

  it('moves an update from the old profile to the new one, and nets a create and delete to zero', () => {
    const moved = run([
      event({
        eventType: 'PATIENT_UPDATED',
        state: 'NY',
        beforeState: 'CA',
        beforeGender: 'female',
        beforeBirthYear: 1990,
        beforeRegisteredDate: '2026-01-01',
      }),
    ]);
    expect(moved).toEqual({ eventsProcessed: 1, state_CA: -1, state_NY: 1 });
    const netted = run([
      event({}),
      event({
        eventId: 'd',
        eventType: 'PATIENT_DELETED',
        beforeState: 'CA',
        beforeGender: 'female',
        beforeBirthYear: 1990,
        beforeRegisteredDate: '2026-01-01',
      }),
    ]);
    expect(netted).toEqual({ eventsProcessed: 2 });
  });

  it('puts ages in the contract bands', () => {
    const today = new Date('2026-06-01T00:00:00Z');
    expect([2026, 2009, 2008, 1992, 1991, 1977, 1976, 1962, 1961, 1900].map((y) => ageBand(y, today))).toEqual([
      '0-17',
      '0-17',
      '18-34',
      '18-34',
      '35-49',
      '35-49',
      '50-64',
      '50-64',
      '65+',
      '65+',
    ]);
  });

  it('turns counters into the contract shape, all five bands present, days sorted, empty counts left out', () => {
    const figures = figuresOf(
      {
        total: 2,
        eventsProcessed: 3,
        state_CA: 2,
        state_NY: 0,
        gender_male: 2,
        birthYear_2010: 1,
        birthYear_1950: 1,
        'day_2026-02-01': 1,
        'day_2026-01-01': 1,
        lastEventAt: '2026-02-01T00:00:00.000Z',
      },
      new Date('2026-06-01T00:00:00Z'),
    );
    expect(figures).toEqual({
      totalPatients: 2,
      eventsProcessed: 3,
      byState: { CA: 2 },
      byGender: { male: 2 },
      byAgeBand: { '0-17': 1, '18-34': 0, '35-49': 0, '50-64': 0, '65+': 1 },
      registrationsByDay: [
        { date: '2026-01-01', count: 1 },
        { date: '2026-02-01', count: 1 },
      ],
      lastEventAt: '2026-02-01T00:00:00.000Z',
    });
    expect(figuresOf(undefined, new Date()).lastEventAt).toBeNull();
  });
});
