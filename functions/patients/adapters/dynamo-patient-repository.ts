/**
 * PatientRepository on DynamoDB. Every request is a GetItem, a Query on a key or index, a BatchGetItem
 * of known keys, or a TransactWriteItems; never a Scan. Layout: ./patient-items.ts and ../README.md.
 */
import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand,
  type DynamoDBDocumentClient, type QueryCommandInput, type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { emailTaken, notFound, versionMismatch } from '../domain/errors';
import { emailKey, SEARCH_FIELDS, type PatientRecord } from '../domain/patient';
import type { Page, PageKey, PageRequest, PatientRepository } from '../ports';
import {
  EMAIL_SK, LIST_PARTITION, PATIENT_SK, emailItem, emailPk, fromPatientItem, isRepresentativeEntry, patientAttributes,
  patientItem, patientPk, searchItems, searchPartition, searchSk, statePartition, type SearchEntry,
} from './patient-items';

type Item = Record<string, unknown>;
type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** A page query stops after this many round trips even if filtering left it short (a cursor continues it). */
const MAX_ROUNDS = 10;
const TRANSACTION_ATTEMPTS = 8;
/** Client fields a PUT may remove (optional in PatientInput). */
const OPTIONAL_FIELDS = ['phoneNumber', 'gender'] as const;
/** Fields a PUT never writes: identity, creation and the server-managed billing state. */
const FIXED_FIELDS = new Set(['id', 'pk', 'sk', 'createdAt', 'billingAccountId', 'billingStatus', 'gsi1pk', 'gsi1sk', 'deletedAt']);

export class DynamoPatientRepository implements PatientRepository {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(id: string): Promise<PatientRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: patientPk(id), sk: PATIENT_SK }, ConsistentRead: true }));
    return Item ? fromPatientItem(Item) : undefined;
  }

  async getByEmail(email: string): Promise<PatientRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: emailPk(email), sk: EMAIL_SK }, ConsistentRead: true }));
    if (typeof Item?.patientId !== 'string') return undefined;
    const patient = await this.get(Item.patientId);
    return patient && !patient.deletedAt && emailKey(patient.email) === emailKey(email) ? patient : undefined;
  }

  async page(request: PageRequest): Promise<Page> {
    if (request.search) return this.searchPage(request, request.search);
    const query: QueryCommandInput = request.state
      ? { TableName: this.table, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': statePartition(request.state) } }
      : { TableName: this.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': LIST_PARTITION } };
    const index = request.state ? 'gsi2' : 'gsi1';
    const { items, nextKey } = await this.collect(query, request, index, (item) => item.deletedAt === undefined);
    return { patients: items.map(fromPatientItem), nextKey };
  }

  /** Prefix search: one Query on the search partition of the prefix's first character, then the patients by key. */
  private async searchPage(request: PageRequest, prefix: string): Promise<Page> {
    const query: QueryCommandInput = {
      TableName: this.table, IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':p': searchPartition(prefix), ':prefix': prefix },
    };
    const accept = (item: Item) => isRepresentativeEntry(item as unknown as SearchEntry, prefix)
      && (!request.state || (item as unknown as SearchEntry).state === request.state);
    const { items, nextKey } = await this.collect(query, request, 'gsi1', accept);
    const ids = items.map((item) => String(item.patientId));
    const patients = await this.getMany(ids);
    // The index is eventually consistent: drop a patient deleted since its entry was read.
    return { patients: ids.map((id) => patients.get(id)).filter((p): p is PatientRecord => !!p && !p.deletedAt), nextKey };
  }

  /**
   * Reads items in index order until `limit` are accepted. It asks for one more to know whether a next
   * page exists, so the last page carries no cursor; the cursor is the key of the last item returned.
   */
  private async collect(query: QueryCommandInput, request: PageRequest, index: 'gsi1' | 'gsi2', accept: (item: Item) => boolean) {
    const accepted: Item[] = [];
    let start: Item | undefined = request.startKey;
    for (let round = 1; ; round++) {
      const wanted = request.limit + 1 - accepted.length;
      const result = await this.db.send(new QueryCommand({
        ...query, ExclusiveStartKey: start, Limit: request.search ? Math.max(wanted, 50) : wanted,
      }));
      for (const item of result.Items ?? []) {
        if (!accept(item)) continue;
        accepted.push(item);
        if (accepted.length > request.limit) {
          const page = accepted.slice(0, request.limit);
          return { items: page, nextKey: keyOf(page[page.length - 1]!, index) };
        }
      }
      if (!result.LastEvaluatedKey) return { items: accepted, nextKey: null };
      start = result.LastEvaluatedKey;
      if (round >= MAX_ROUNDS) return { items: accepted, nextKey: start as PageKey };
    }
  }

  private async getMany(ids: string[]): Promise<Map<string, PatientRecord>> {
    const found = new Map<string, PatientRecord>();
    let keys: Item[] = [...new Set(ids)].map((id) => ({ pk: patientPk(id), sk: PATIENT_SK }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await pause(attempt);
      const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
      for (const item of result.Responses?.[this.table] ?? []) {
        const patient = fromPatientItem(item);
        found.set(patient.id, patient);
      }
      keys = result.UnprocessedKeys?.[this.table]?.Keys ?? [];
      if (attempt > 8 && keys.length) throw new Error('BatchGetItem left keys unprocessed');
    }
    return found;
  }

  async create(patient: PatientRecord): Promise<void> {
    const items: TransactItems = [
      { Put: { TableName: this.table, Item: patientItem(patient), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.table, Item: emailItem(patient), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...searchItems(patient).map((Item) => ({ Put: { TableName: this.table, Item } })),
    ];
    await this.transact(items, (reasons) => {
      if (failed(reasons[1])) return emailTaken();
      return undefined;
    });
  }

  async replace(next: PatientRecord, expectedVersion: number, previousEmail: string): Promise<void> {
    const attributes = patientAttributes(next);
    const names: Record<string, string> = { '#version': 'version', '#deletedAt': 'deletedAt' };
    const values: Record<string, unknown> = { ':expected': expectedVersion };
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
          TableName: this.table, Key: { pk: patientPk(next.id), sk: PATIENT_SK },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#deletedAt) AND #version = :expected',
          ExpressionAttributeNames: names, ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      ...(emailChanged ? [
        { Delete: { TableName: this.table, Key: { pk: emailPk(previousEmail), sk: EMAIL_SK }, ConditionExpression: 'patientId = :id', ExpressionAttributeValues: { ':id': next.id } } },
        { Put: { TableName: this.table, Item: emailItem(next), ConditionExpression: 'attribute_not_exists(pk)' } },
      ] : []),
      ...searchItems(next).map((Item) => ({ Put: { TableName: this.table, Item } })),
    ];
    await this.transact(items, (reasons) => {
      if (failed(reasons[0])) return isGone(reasons[0]?.Item) ? notFound() : versionMismatch();
      if (emailChanged && failed(reasons[2])) return emailTaken();
      if (emailChanged && failed(reasons[1])) return versionMismatch();
      return undefined;
    });
  }

  async softDelete(current: PatientRecord, at: Date): Promise<void> {
    const items: TransactItems = [
      {
        Update: {
          TableName: this.table, Key: { pk: patientPk(current.id), sk: PATIENT_SK },
          UpdateExpression: 'SET #deletedAt = :at, updatedAt = :at REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#deletedAt) AND #version = :version',
          ExpressionAttributeNames: { '#deletedAt': 'deletedAt', '#version': 'version' },
          ExpressionAttributeValues: { ':at': at.toISOString(), ':version': current.version },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      { Delete: { TableName: this.table, Key: { pk: emailPk(current.email), sk: EMAIL_SK }, ConditionExpression: 'patientId = :id', ExpressionAttributeValues: { ':id': current.id } } },
      ...SEARCH_FIELDS.map((field) => ({ Delete: { TableName: this.table, Key: { pk: patientPk(current.id), sk: searchSk(field) } } })),
    ];
    await this.transact(items, (reasons) => {
      if (failed(reasons[0])) return isGone(reasons[0]?.Item) ? notFound() : versionMismatch();
      if (failed(reasons[1])) return versionMismatch();
      return undefined;
    });
  }

  async activateBilling(id: string, accountId: string): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.table, Key: { pk: patientPk(id), sk: PATIENT_SK },
        UpdateExpression: 'SET billingStatus = :active, billingAccountId = :account',
        ConditionExpression: 'attribute_exists(pk) AND billingStatus = :pending',
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':pending': 'PENDING', ':account': accountId },
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Runs a transaction, retrying only when DynamoDB reports a conflict with another transaction in flight
   * (no condition was evaluated false), and maps failed conditions to domain errors with `explain`.
   */
  private async transact(items: TransactItems, explain: (reasons: CancellationReason[]) => Error | undefined): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const conditionFailed = reasons.some(failed);
        if (conditionFailed) {
          const explained = explain(reasons);
          if (explained) throw explained;
          throw error;
        }
        const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= TRANSACTION_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  }
}

const failed = (reason: CancellationReason | undefined) => reason?.Code === 'ConditionalCheckFailed';
/** A failed condition on the patient item: gone (never existed or deleted) rather than a version mismatch. */
const isGone = (old: Record<string, unknown> | undefined) => !old || old.deletedAt !== undefined;

/** The ExclusiveStartKey of an index item: the table key plus the index key. */
function keyOf(item: Item, index: 'gsi1' | 'gsi2'): PageKey {
  return { pk: String(item.pk), sk: String(item.sk), [`${index}pk`]: String(item[`${index}pk`]), [`${index}sk`]: String(item[`${index}sk`]) };
}

/** Jittered exponential back-off between retries. */
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(25 * 2 ** attempt, 500)));
