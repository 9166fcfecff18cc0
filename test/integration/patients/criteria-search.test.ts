/**
 * Searches with several criteria (FHIR's parameters) against DynamoDB Local: paging through every page finds
 * exactly the records a full check of every record finds, each once, whichever index serves the search and
 * however few records the criteria no index serves (gender, birth date) leave on a page.
 */
import { randomUUID } from 'node:crypto';
import { DynamoPatientRepository } from '../../../functions/patients/adapters/dynamo-patient-repository';
import { dynamoClient } from '../../../functions/commons/clients/dynamo';
import { matchesCriteria, type PatientCriteria } from '../../../functions/patients/domain/criteria';
import { newPatient, type PatientRecord } from '../../../functions/patients/domain/patient';
import { parsePatientSearch } from '../../../functions/patients/fhir/search-parameters';
import type { PageKey } from '../../../functions/patients/ports';
import { useLocalTables } from '../../support/tables';

let repository: DynamoPatientRepository;
const stored: PatientRecord[] = [];
const FIRST = ['Ada', 'Adam', 'Alan', 'Bea', 'Ben'];
const LAST = ['Abbot', 'Adams', 'Baker', 'Banks'];
const GENDERS = ['male', 'female', 'other', 'unknown'] as const;
const STATES = ['CA', 'VT'];

beforeAll(async () => {
  const tables = await useLocalTables();
  repository = new DynamoPatientRepository(dynamoClient(), tables.patients);
  const start = Date.UTC(2020, 0, 1);
  for (let i = 0; i < 60; i++) {
    const record = newPatient(
      {
        firstName: FIRST[i % FIRST.length]!,
        lastName: LAST[(i * 7) % LAST.length]!,
        email: `p${i}.${randomUUID().slice(0, 6)}@crit.test`,
        dateOfBirth: `${1950 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
        gender: GENDERS[(i * 3) % GENDERS.length],
        address: { street: '1 A St', city: 'Town', state: STATES[i % 2]!, zipCode: '00001' },
      },
      randomUUID(),
      new Date(start + i * 1000),
    );
    await repository.create(record);
    stored.push(record);
  }
  // Deleted records never show.
  for (const record of stored.splice(0, 3)) await repository.softDelete(record, new Date());
});

/** Every page of a search, `limit` at a time. */
async function everyPage(criteria: PatientCriteria, limit: number): Promise<PatientRecord[][]> {
  const pages: PatientRecord[][] = [];
  let startKey: PageKey | undefined;
  do {
    const page = await repository.page({ ...criteria, limit, startKey });
    expect(page.patients.length).toBeLessThanOrEqual(limit);
    pages.push(page.patients);
    startKey = page.nextKey ?? undefined;
  } while (startKey && pages.length < 100);
  return pages;
}

const query = (text: string) => {
  const values: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) (values[k] ??= []).push(v);
  const { limit: _limit, scope: _scope, cursor: _cursor, ...criteria } = parsePatientSearch(values);
  return criteria;
};

it.each([
  'gender=female',
  'birthdate=ge1970&birthdate=lt1980',
  'address-state=CA&gender=male,other',
  'name=ad',
  'family=ba&gender=unknown',
  'given=a&birthdate=le1960',
  'name=b&family=ba&address-state=vt',
  'given=ada&family=ab',
  'name=zz',
  'address-state=VT&birthdate=1955',
])('%s: pages hold exactly the matching records, each once', async (text) => {
  const criteria = query(text);
  const expected = stored
    .filter((p) => matchesCriteria(p, criteria))
    .map((p) => p.id)
    .sort();
  for (const limit of [1, 4, 100]) {
    const pages = await everyPage(criteria, limit);
    const found = pages.flat().map((p) => p.id);
    expect(new Set(found).size).toBe(found.length);
    expect([...found].sort()).toEqual(expected);
    // Every page but maybe the last is full: a page short of matches reads on.
    for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
  }
});
