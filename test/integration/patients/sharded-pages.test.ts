/**
 * Listings and searches over write-sharded indexes, against DynamoDB Local: with patients spread over
 * several shards, paging at any size returns every patient exactly once, in the documented order (the
 * listing and a state oldest first, ties by id; a search in the byte order of each patient's first matching
 * name or email), with FHIR's record checks too; and a cursor keeps working when the shard count grows.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoPatientRepository } from '../../../functions/patients/adapters/dynamo-patient-repository';
import {
  listPartition,
  patientShard,
  searchPartition,
  type PatientShards,
} from '../../../functions/patients/adapters/patient-items';
import { dynamoClient } from '../../../functions/commons/clients/dynamo';
import type { PatientCriteria } from '../../../functions/patients/domain/criteria';
import {
  newPatient,
  searchTerms,
  SEARCH_FIELDS,
  type PatientRecord,
  type SearchField,
} from '../../../functions/patients/domain/patient';
import type { PageKey } from '../../../functions/patients/ports';
import { useLocalTables } from '../../support/tables';

const SHARDS: PatientShards = { list: 5, search: 6 };
let table: string;
let repository: DynamoPatientRepository;
const live: PatientRecord[] = [];

const FIRST = ['Ann', 'Abe', 'Bob', 'Ángel', 'Amy'];
const LAST = ['Avery', 'Brown', 'Adams', 'Cole'];

beforeAll(async () => {
  table = (await useLocalTables()).patients;
  repository = new DynamoPatientRepository(dynamoClient(), table, SHARDS);
  const start = Date.UTC(2021, 0, 1);
  const created: PatientRecord[] = [];
  for (let i = 0; i < 45; i++) {
    const record = newPatient(
      {
        firstName: FIRST[i % FIRST.length]!,
        lastName: LAST[i % LAST.length]!,
        // Some emails start with `a` too: such a patient matches `a` three times and must show once.
        email: `${i % 3 ? 'a' : 'z'}${i}.${randomUUID().slice(0, 4)}@shard.test`,
        dateOfBirth: '1970-01-01',
        gender: i % 2 ? 'female' : 'male',
        address: { street: '1 St', city: 'Town', state: i % 4 ? 'CA' : 'NV', zipCode: '1' },
      },
      randomUUID(),
      // Three patients per instant: the id breaks the tie.
      new Date(start + Math.floor(i / 3) * 1000),
    );
    created.push(record);
  }
  await Promise.all(created.map((record) => repository.create(record)));
  for (const record of created.slice(0, 2)) await repository.softDelete(record, new Date());
  live.push(...created.slice(2));
});

/** Every page, `limit` at a time; each page but the last is full. */
async function everyPage(repo: DynamoPatientRepository, criteria: PatientCriteria, limit: number, startKey?: PageKey) {
  const found: string[] = [];
  for (let pages = 0; pages < 200; pages++) {
    const page = await repo.page({ ...criteria, limit, startKey });
    expect(page.patients.length).toBeLessThanOrEqual(limit);
    found.push(...page.patients.map((p) => p.id));
    if (!page.nextKey) return found;
    expect(page.patients).toHaveLength(limit);
    startKey = page.nextKey;
  }
  throw new Error('paging did not end');
}

const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
/** The documented listing order: creation time, then id. */
const oldestFirst = (patients: PatientRecord[]) =>
  [...patients].sort((a, b) => bytes(`${a.createdAt}#${a.id}`, `${b.createdAt}#${b.id}`)).map((p) => p.id);
/** The documented search order: each patient at its first matching entry (`<value>#<field>#<id>`, by bytes). */
function searchOrder(patients: PatientRecord[], prefix: string, fields: readonly SearchField[] = SEARCH_FIELDS) {
  const firstEntry = (p: PatientRecord) => {
    const terms = searchTerms(p);
    return fields
      .filter((field) => terms[field].startsWith(prefix))
      .map((field) => `${terms[field]}#${field}#${p.id}`)
      .sort(bytes)[0];
  };
  return patients
    .filter((p) => firstEntry(p) !== undefined)
    .sort((a, b) => bytes(firstEntry(a)!, firstEntry(b)!))
    .map((p) => p.id);
}

async function partitionSize(index: 'gsi1' | 'gsi2', partition: string): Promise<number> {
  const { Count } = await dynamoClient().send(
    new QueryCommand({
      TableName: table,
      IndexName: index,
      KeyConditionExpression: `${index}pk = :p`,
      ExpressionAttributeValues: { ':p': partition },
      Select: 'COUNT',
    }),
  );
  return Count ?? 0;
}

it('stores the patients spread over the shards, each in its own', async () => {
  const sizes = await Promise.all(
    Array.from({ length: SHARDS.list }, (_, s) => partitionSize('gsi1', listPartition(s))),
  );
  expect(sizes.reduce((a, b) => a + b)).toBe(live.length);
  expect(sizes.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
  for (let s = 0; s < SHARDS.list; s++) {
    expect(sizes[s]).toBe(live.filter((p) => patientShard(p.id, SHARDS.list) === s).length);
  }
  const searchSizes = await Promise.all(
    Array.from({ length: SHARDS.search }, (_, s) => partitionSize('gsi1', searchPartition('a', s))),
  );
  expect(searchSizes.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
});

it.each([1, 7, 100])('lists every patient once, oldest first, %i a page', async (limit) => {
  expect(await everyPage(repository, {}, limit)).toEqual(oldestFirst(live));
});

it('lists one state once each, oldest first, across pages', async () => {
  expect(await everyPage(repository, { state: 'CA' }, 4)).toEqual(
    oldestFirst(live.filter((p) => p.address.state === 'CA')),
  );
});

it.each([
  ['a', 3],
  ['a', 100],
  ['ab', 2],
  ['á', 1],
])(
  'searches %s: each matching patient once, in the order of its first matching entry (%i a page)',
  async (prefix, limit) => {
    const expected = searchOrder(live, prefix);
    expect(expected.length).toBeGreaterThan(0);
    expect(await everyPage(repository, { search: prefix }, limit)).toEqual(expected);
  },
);

it('keeps FHIR record checks and entry checks over shards: gender on the listing, state and gender on a search', async () => {
  const women = live.filter((p) => p.gender === 'female');
  expect(await everyPage(repository, { genders: ['female'] }, 2)).toEqual(oldestFirst(women));
  const criteria: PatientCriteria = {
    prefixes: [{ prefix: 'a', fields: ['first'] }],
    state: 'CA',
    genders: ['female'],
  };
  const expected = searchOrder(
    women.filter((p) => p.address.state === 'CA'),
    'a',
    ['first'],
  );
  expect(expected.length).toBeGreaterThan(1);
  expect(await everyPage(repository, criteria, 2)).toEqual(expected);
});

it('a cursor keeps working when the shard count grows, and finds patients written with either count', async () => {
  const grown = new DynamoPatientRepository(dynamoClient(), table, { list: 9, search: 11 });
  const first = await repository.page({ limit: 10 });
  const rest = await everyPage(grown, {}, 6, first.nextKey!);
  expect([...first.patients.map((p) => p.id), ...rest]).toEqual(oldestFirst(live));
  // A cursor of the unsharded layout (its partition key) resumes the same position.
  const old = { ...first.nextKey!, gsi1pk: 'PATIENTS' };
  expect(await everyPage(grown, {}, 50, old)).toEqual(rest);

  const later = newPatient(
    {
      firstName: 'Ava',
      lastName: 'Late',
      email: `late.${randomUUID().slice(0, 4)}@shard.test`,
      dateOfBirth: '1970-01-01',
      address: { street: '1 St', city: 'Town', state: 'CA', zipCode: '1' },
    },
    randomUUID(),
    new Date(Date.UTC(2022, 0, 1)),
  );
  await grown.create(later);
  expect(await everyPage(grown, {}, 8)).toEqual(oldestFirst([...live, later]));
  expect(await everyPage(grown, { search: 'ava' }, 8)).toEqual(searchOrder([...live, later], 'ava'));
});
