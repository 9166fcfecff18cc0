/**
 * PatientRepository on DynamoDB. Every request is a GetItem, a Query on a key or index, a BatchGetItem
 * of known keys, or a TransactWriteItems; never a Scan. Layout: ./patient-items.ts and ../README.md.
 * Listings and searches read every write shard of their index side by side and merge them in index order
 * (./merged-query.ts); a page's position is the key of its last item, which resumes every shard.
 */
import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { cancellationReasons, conditionFailed as failed, isTransactionConflict } from '../../commons/dynamo-errors';
import { retry, type Backoff } from '../../commons/retry';
import { contended, emailTaken, gone, notFound, versionMismatch } from '../domain/errors';
import { matchesCriteria, matchesTerms, needsRecordCheck, prefixesOf, type PrefixMatch } from '../domain/criteria';
import { emailKey, isDeleted, SEARCH_FIELDS, type PatientRecord } from '../domain/patient';
import type { Page, PageKey, PageRequest, PatientRepository } from '../ports';
import {
  EMAIL_SK,
  PATIENT_SK,
  emailItem,
  emailPk,
  everyShard,
  fromPatientItem,
  isRepresentativeEntry,
  listPartition,
  patientAttributes,
  patientItem,
  patientPk,
  patientShards,
  searchItems,
  searchPartition,
  searchSk,
  statePartition,
  versionItem,
  versionPrefix,
  type PatientShards,
  type Revision,
  type SearchEntry,
} from './patient-items';
import { mergedPage } from './merged-query';
import { batchGetAll } from '../../commons/dynamo-batch';

type Item = Record<string, unknown>;
type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * A search page stops after this many batches of entries even if the records' checks left it short (a
 * cursor continues it); each batch is itself a merged query of at most 10 rounds (./merged-query.ts).
 */
const MAX_ROUNDS = 10;
/** With criteria only a record can answer, entries are read at least this many at a time. */
const RECORD_CHECK_BATCH = 50;
const TRANSACTION_ATTEMPTS = 8;
/** Between retries of a transaction that met another in flight. */
const BACKOFF: Backoff = { baseMs: 50, capMs: 500, jitter: 'full' };
/** Client fields a PUT may remove (optional in PatientInput). */
const OPTIONAL_FIELDS = ['phoneNumber', 'gender'] as const;
/** Fields a PUT never writes: identity, creation and the server-managed billing state. */
const FIXED_FIELDS = new Set([
  'id',
  'pk',
  'sk',
  'createdAt',
  'billingAccountId',
  'billingStatus',
  'gsi1pk',
  'gsi1sk',
  'deletedAt',
]);

type Index = 'gsi1' | 'gsi2';

export class DynamoPatientRepository implements PatientRepository {
  /** `shards`: the write shards of the indexes (./patient-items.ts: may grow between deployments, never shrink). */
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly shards: PatientShards = patientShards(),
  ) {}

  async get(id: string): Promise<PatientRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: patientPk(id), sk: PATIENT_SK }, ConsistentRead: true }),
    );
    return Item ? fromPatientItem(Item) : undefined;
  }

  async getByEmail(email: string): Promise<PatientRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: emailPk(email), sk: EMAIL_SK }, ConsistentRead: true }),
    );
    if (typeof Item?.patientId !== 'string') return undefined;
    const patient = await this.get(Item.patientId);
    return patient && !patient.deletedAt && emailKey(patient.email) === emailKey(email) ? patient : undefined;
  }

  async page(request: PageRequest): Promise<Page> {
    const prefixes = prefixesOf(request);
    if (prefixes.length > 0) return this.searchPage(request, prefixes);
    const { state } = request;
    const index: Index = state ? 'gsi2' : 'gsi1';
    const partitions = everyShard(this.shards.list).map((shard) =>
      state ? statePartition(state, shard) : listPartition(shard),
    );
    // Criteria no index serves (gender, birth date) are checked on the items read; the page reads on until it is full.
    const accept = needsRecordCheck(request)
      ? (item: Item) => item.deletedAt === undefined && matchesCriteria(fromPatientItem(item), request)
      : (item: Item) => item.deletedAt === undefined;
    const { items, nextKey } = await this.collect(index, partitions, undefined, request, accept);
    return { patients: items.map(fromPatientItem), nextKey };
  }

  /**
   * Prefix search: Queries on the search partitions (every shard) of the longest prefix's first character (the
   * other prefixes and the state are checked on the entries), then the patients by key; criteria only a record
   * can answer (gender, birth date) are checked on those, reading on from where the page stopped while it is short.
   */
  private async searchPage(request: PageRequest, prefixes: PrefixMatch[]): Promise<Page> {
    const driver = prefixes.reduce((a, b) => (b.prefix.length > a.prefix.length ? b : a));
    const partitions = everyShard(this.shards.search).map((shard) => searchPartition(driver.prefix, shard));
    const accept = (item: Item) => {
      const entry = item as unknown as SearchEntry;
      return (
        isRepresentativeEntry(entry, driver.prefix, driver.fields) && matchesTerms(entry.terms, entry.state, request)
      );
    };
    const recordCheck = needsRecordCheck(request);
    const patients: PatientRecord[] = [];
    let startKey = request.startKey;
    for (let round = 1; ; round++) {
      const wanted = request.limit - patients.length;
      // With criteria only records answer, read a batch of entries at a time and stop at the page's last match.
      const batch = await this.collect(
        'gsi1',
        partitions,
        driver.prefix,
        { limit: recordCheck ? Math.max(wanted, RECORD_CHECK_BATCH) : wanted, startKey },
        accept,
      );
      const found = await this.getMany(batch.items.map((item) => String(item.patientId)));
      for (const [i, item] of batch.items.entries()) {
        const patient = found.get(String(item.patientId));
        // The index is eventually consistent: drop a patient deleted since its entry was read.
        if (!patient || patient.deletedAt || (recordCheck && !matchesCriteria(patient, request))) continue;
        patients.push(patient);
        if (patients.length === request.limit) {
          const more = i < batch.items.length - 1 || batch.nextKey !== null;
          return { patients, nextKey: more ? keyOf(item, 'gsi1') : null };
        }
      }
      if (!batch.nextKey || round >= MAX_ROUNDS) return { patients, nextKey: batch.nextKey };
      startKey = batch.nextKey;
    }
  }

  /**
   * Reads the index's shards (`partitions`) in index order, ascending, merged, until `limit` items are
   * accepted (./merged-query.ts: it reads one more to know whether a next page exists, so the last page
   * carries no cursor). The cursor is the key of the last item returned, or where a page cut short by the
   * round limit stopped; it resumes every shard strictly after it, whichever shard it came from.
   * `prefix`: the sort keys begin with it (a search).
   */
  private async collect(
    index: Index,
    partitions: string[],
    prefix: string | undefined,
    request: Pick<PageRequest, 'limit' | 'startKey'>,
    accept: (item: Item) => boolean,
  ): Promise<{ items: Item[]; nextKey: PageKey | null }> {
    const inputs = partitions.map((partition) => ({
      TableName: this.table,
      IndexName: index,
      KeyConditionExpression: `${index}pk = :p${prefix === undefined ? '' : ` AND begins_with(${index}sk, :prefix)`}`,
      ExpressionAttributeValues: { ':p': partition, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
      // The position (table key and index sort key) is the same in every shard: only the partition differs.
      ExclusiveStartKey: request.startKey ? { ...request.startKey, [`${index}pk`]: partition } : undefined,
    }));
    const page = await mergedPage(this.db, inputs, request.limit, { sortKey: `${index}sk`, ascending: true, accept });
    return { items: page.items, nextKey: page.nextKey ? keyOf(page.nextKey, index) : null };
  }

  private async getMany(ids: string[]): Promise<Map<string, PatientRecord>> {
    const keys = [...new Set(ids)].map((id) => ({ pk: patientPk(id), sk: PATIENT_SK }));
    const patients = (await batchGetAll(this.db, this.table, keys)).map((item) => fromPatientItem(item));
    return new Map(patients.map((patient) => [patient.id, patient]));
  }

  async create(patient: PatientRecord): Promise<void> {
    const items: TransactItems = [
      {
        Put: {
          TableName: this.table,
          Item: patientItem(patient, this.shards),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: this.table, Item: emailItem(patient), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...searchItems(patient, this.shards).map((Item) => ({ Put: { TableName: this.table, Item } })),
      this.putVersion(patient, 'WRITTEN'),
    ];
    await this.transact(items, (reasons) => {
      if (failed(reasons[1])) return emailTaken();
      return undefined;
    });
  }

  async replace(next: PatientRecord, expectedVersion: number, previousEmail: string): Promise<PatientRecord> {
    return this.withStoredBilling(next, (state) => this.replaceOnce(state, expectedVersion, previousEmail));
  }

  private async replaceOnce(next: PatientRecord, expectedVersion: number, previousEmail: string): Promise<void> {
    const attributes = patientAttributes(next, this.shards);
    const names: Record<string, string> = {
      '#version': 'version',
      '#deletedAt': 'deletedAt',
      '#billing': 'billingStatus',
    };
    const values: Record<string, unknown> = { ':expected': expectedVersion, ':billing': next.billingStatus };
    const sets: string[] = [];
    for (const [name, value] of Object.entries(attributes)) {
      if (FIXED_FIELDS.has(name) || value === undefined) continue;
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    const removes = OPTIONAL_FIELDS.filter((field) => next[field] === undefined).map((field) => {
      names[`#${field}`] = field;
      return `#${field}`;
    });
    const emailChanged = emailKey(previousEmail) !== emailKey(next.email);
    const items: TransactItems = [
      {
        Update: {
          TableName: this.table,
          Key: { pk: patientPk(next.id), sk: PATIENT_SK },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          // `:expected`, not `:version`: the SET above binds `:version` to the new version.
          ConditionExpression: `${liveAt(':expected')} AND #billing = :billing`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      ...(emailChanged
        ? [
            {
              Delete: {
                TableName: this.table,
                Key: { pk: emailPk(previousEmail), sk: EMAIL_SK },
                ConditionExpression: 'patientId = :id',
                ExpressionAttributeValues: { ':id': next.id },
              },
            },
            { Put: { TableName: this.table, Item: emailItem(next), ConditionExpression: 'attribute_not_exists(pk)' } },
          ]
        : []),
      ...searchItems(next, this.shards).map((Item) => ({ Put: { TableName: this.table, Item } })),
      this.putVersion(next, 'WRITTEN'),
    ];
    await this.transact(items, (reasons) => {
      if (failed(reasons[0])) return staleWrite(reasons[0]?.Item, expectedVersion);
      if (emailChanged && failed(reasons[2])) return emailTaken();
      if (emailChanged && failed(reasons[1])) return versionMismatch();
      return undefined;
    });
  }

  async softDelete(current: PatientRecord, at: Date): Promise<void> {
    const when = at.toISOString();
    await this.withStoredBilling(current, (state) =>
      this.transact(
        [
          {
            Update: {
              TableName: this.table,
              Key: { pk: patientPk(state.id), sk: PATIENT_SK },
              UpdateExpression: 'SET #deletedAt = :at, updatedAt = :at REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk',
              ConditionExpression: `${liveAt(':version')} AND #billing = :billing`,
              ExpressionAttributeNames: {
                '#deletedAt': 'deletedAt',
                '#version': 'version',
                '#billing': 'billingStatus',
              },
              ExpressionAttributeValues: { ':at': when, ':version': state.version, ':billing': state.billingStatus },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Delete: {
              TableName: this.table,
              Key: { pk: emailPk(state.email), sk: EMAIL_SK },
              ConditionExpression: 'patientId = :id',
              ExpressionAttributeValues: { ':id': state.id },
            },
          },
          ...SEARCH_FIELDS.map((field) => ({
            Delete: { TableName: this.table, Key: { pk: patientPk(state.id), sk: searchSk(field) } },
          })),
          this.putVersion({ ...state, deletedAt: when, updatedAt: when }, 'DELETED'),
        ],
        (reasons) => {
          if (failed(reasons[0])) return staleWrite(reasons[0]?.Item, state.version);
          if (failed(reasons[1])) return versionMismatch();
          return undefined;
        },
      ),
    );
  }

  async activateBilling(patient: PatientRecord, accountId: string): Promise<boolean> {
    let state = patient;
    for (let attempt = 1; attempt <= TRANSACTION_ATTEMPTS; attempt++) {
      try {
        await this.transact(
          [
            {
              Update: {
                TableName: this.table,
                Key: { pk: patientPk(state.id), sk: PATIENT_SK },
                UpdateExpression: 'SET #billing = :active, billingAccountId = :account',
                ConditionExpression: `${liveAt(':version')} AND #billing = :pending`,
                ExpressionAttributeNames: {
                  '#deletedAt': 'deletedAt',
                  '#version': 'version',
                  '#billing': 'billingStatus',
                },
                ExpressionAttributeValues: {
                  ':active': 'ACTIVE',
                  ':pending': 'PENDING',
                  ':account': accountId,
                  ':version': state.version,
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            this.putVersion({ ...state, billingStatus: 'ACTIVE', billingAccountId: accountId }, 'BILLING'),
          ],
          (reasons) => (failed(reasons[0]) ? new StaleRead(storedOf(reasons[0]?.Item)) : undefined),
        );
        return true;
      } catch (error) {
        if (!(error instanceof StaleRead)) throw error;
        const stored = error.stored;
        if (!stored || isDeleted(stored) || stored.billingStatus !== 'PENDING') return false;
        state = stored; // a client update came first: activate on top of what it stored
      }
    }
    throw new Error('The patient kept changing while its billing was activated');
  }

  async history(id: string): Promise<PatientRecord[]> {
    return this.states(id, versionPrefix());
  }

  async version(id: string, version: number): Promise<PatientRecord | undefined> {
    return (await this.states(id, versionPrefix(version))).find((state) => !isDeleted(state));
  }

  /** The stored states under a sort-key prefix, newest first (a version's states sort by what made them). */
  private async states(id: string, prefix: string): Promise<PatientRecord[]> {
    const states: PatientRecord[] = [];
    let start: Item | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': patientPk(id), ':prefix': prefix },
          ScanIndexForward: false,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      states.push(...(result.Items ?? []).map(fromPatientItem));
      start = result.LastEvaluatedKey;
    } while (start);
    return states;
  }

  /** The stored state a write leaves, in the same transaction (never overwritten: one key per state). */
  private putVersion(state: PatientRecord, revision: Revision) {
    return {
      Put: {
        TableName: this.table,
        Item: versionItem(state, revision),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /**
   * Runs a write built on `state` (which carries the billing fields into its stored state). When billing
   * was activated since `state` was read, the one change that keeps the version, the write is made again
   * with the stored billing fields, so the state kept in history is exactly the record's.
   */
  private async withStoredBilling(
    state: PatientRecord,
    write: (state: PatientRecord) => Promise<void>,
  ): Promise<PatientRecord> {
    for (let attempt = 1; attempt <= TRANSACTION_ATTEMPTS; attempt++) {
      try {
        await write(state);
        return state;
      } catch (error) {
        if (!(error instanceof StaleRead) || !error.stored) throw error;
        state = {
          ...state,
          billingStatus: error.stored.billingStatus,
          billingAccountId: error.stored.billingAccountId,
        };
      }
    }
    throw new Error('The patient kept changing while it was written');
  }

  /**
   * Runs a transaction, retrying only when DynamoDB reports a conflict with another transaction in flight
   * (no condition was evaluated false), and maps failed conditions to domain errors with `explain`.
   */
  private async transact(
    items: TransactItems,
    explain: (reasons: CancellationReason[]) => Error | undefined,
  ): Promise<void> {
    try {
      await retry(() => this.db.send(new TransactWriteCommand({ TransactItems: items })), {
        attempts: TRANSACTION_ATTEMPTS,
        retryable: isTransactionConflict,
        backoff: BACKOFF,
      });
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.some(failed)) throw explain(reasons) ?? error;
      // Still meeting other transactions after every attempt: busy, not broken (409, retry shortly).
      if (isTransactionConflict(error)) throw contended();
      throw error;
    }
  }
}

/** The condition of every write to a patient item: it exists, is not deleted and is at the version read. */
const liveAt = (version: string) =>
  `attribute_exists(pk) AND attribute_not_exists(#deletedAt) AND #version = ${version}`;

/** The item read when a condition failed (the cancellation reason carries it in DynamoDB's wire format). */
function storedOf(old: Record<string, unknown> | undefined): PatientRecord | undefined {
  return old ? fromPatientItem(unmarshall(old as Record<string, AttributeValue>)) : undefined;
}

/** A conditional write met a state other than the one read: it carries what is stored now. */
class StaleRead extends Error {
  constructor(readonly stored: PatientRecord | undefined) {
    super('The patient changed since it was read');
  }
}

/** Why a write's condition on the patient item failed: gone, another version, or only billing activated meanwhile. */
function staleWrite(old: Record<string, unknown> | undefined, version: number): Error {
  const stored = storedOf(old);
  if (!stored) return notFound();
  if (isDeleted(stored)) return gone(); // deleted meanwhile: REST answers 404 as for any unknown id, FHIR 410
  return stored.version === version ? new StaleRead(stored) : versionMismatch();
}

/** The ExclusiveStartKey of an index item: the table key plus the index key. */
function keyOf(item: Item, index: Index): PageKey {
  return {
    pk: String(item.pk),
    sk: String(item.sk),
    [`${index}pk`]: String(item[`${index}pk`]),
    [`${index}sk`]: String(item[`${index}sk`]),
  };
}
