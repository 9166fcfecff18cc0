/**
 * Analytics arithmetic, pure: a PatientEvent → counter deltas; stored counters → the API's figures.
 * Counters are live (created minus deleted), so every breakdown adds up to totalPatients.
 * Nothing here keeps a name or an email.
 */
import type { PatientEvent } from '../../proto/gen/patient_event';

export type Deltas = Map<string, number>;

export const AGE_BANDS = ['0-17', '18-34', '35-49', '50-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Counter attribute names: one flat attribute per figure, so one UpdateItem can ADD them all. */
export const counter = {
  total: 'total',
  events: 'eventsProcessed',
  state: (s: string) => `state_${s}`,
  gender: (g: string) => `gender_${g}`,
  birthYear: (y: number) => `birthYear_${y}`,
  day: (d: string) => `day_${d}`,
};

function add(deltas: Deltas, name: string, by: number): void {
  deltas.set(name, (deltas.get(name) ?? 0) + by);
}

interface Profile {
  state: string;
  gender: string;
  birthYear: number;
  registeredDate: string;
}

function count(deltas: Deltas, p: Profile, by: 1 | -1): void {
  add(deltas, counter.total, by);
  if (p.state) add(deltas, counter.state(p.state.toUpperCase()), by);
  add(deltas, counter.gender(p.gender || 'unknown'), by);
  if (p.birthYear) add(deltas, counter.birthYear(p.birthYear), by);
  if (p.registeredDate) add(deltas, counter.day(p.registeredDate), by);
}

const after = (e: PatientEvent): Profile => ({
  state: e.state,
  gender: e.gender,
  birthYear: e.birthYear,
  registeredDate: e.registeredDate,
});
const before = (e: PatientEvent): Profile => ({
  state: e.beforeState,
  gender: e.beforeGender,
  birthYear: e.beforeBirthYear,
  registeredDate: e.beforeRegisteredDate,
});

/** Adds one event's effect to `deltas`. An update moves the patient from its old profile to its new one. */
export function applyEvent(deltas: Deltas, event: PatientEvent): void {
  add(deltas, counter.events, 1);
  switch (event.eventType) {
    case 'PATIENT_CREATED':
      count(deltas, after(event), 1);
      break;
    case 'PATIENT_DELETED':
      count(deltas, event.beforeRegisteredDate ? before(event) : after(event), -1);
      break;
    case 'PATIENT_UPDATED':
      if (event.beforeRegisteredDate) {
        count(deltas, before(event), -1);
        count(deltas, after(event), 1);
      }
      break;
    default:
      break; // an event type from a newer schema: counted as processed, changes no figure
  }
  for (const [name, value] of deltas) if (value === 0 && name !== counter.events) deltas.delete(name);
}

/** Age at `today` from the birth year alone (the event carries no birth day): accurate to within a year. */
export function ageBand(birthYear: number, today: Date): AgeBand {
  const age = today.getUTCFullYear() - birthYear;
  if (age < 18) return '0-17';
  if (age < 35) return '18-34';
  if (age < 50) return '35-49';
  if (age < 65) return '50-64';
  return '65+';
}

export interface AnalyticsFigures {
  totalPatients: number;
  registrationsByDay: { date: string; count: number }[];
  byState: Record<string, number>;
  byAgeBand: Record<AgeBand, number>;
  byGender: Record<string, number>;
  eventsProcessed: number;
  lastEventAt: string | null;
}

export function figuresOf(item: Record<string, unknown> | undefined, today: Date): AnalyticsFigures {
  const figures: AnalyticsFigures = {
    totalPatients: 0,
    registrationsByDay: [],
    byState: {},
    byAgeBand: { '0-17': 0, '18-34': 0, '35-49': 0, '50-64': 0, '65+': 0 },
    byGender: {},
    eventsProcessed: 0,
    lastEventAt: null,
  };
  for (const [name, value] of Object.entries(item ?? {})) {
    if (typeof value !== 'number') continue;
    if (name === counter.total) figures.totalPatients = value;
    else if (name === counter.events) figures.eventsProcessed = value;
    else if (value <= 0) continue;
    else if (name.startsWith('state_')) figures.byState[name.slice(6)] = value;
    else if (name.startsWith('gender_')) figures.byGender[name.slice(7)] = value;
    else if (name.startsWith('birthYear_')) figures.byAgeBand[ageBand(Number(name.slice(10)), today)] += value;
    else if (name.startsWith('day_')) figures.registrationsByDay.push({ date: name.slice(4), count: value });
  }
  figures.registrationsByDay.sort((a, b) => a.date.localeCompare(b.date));
  figures.lastEventAt = typeof item?.lastEventAt === 'string' ? item.lastEventAt : null;
  return figures;
}
