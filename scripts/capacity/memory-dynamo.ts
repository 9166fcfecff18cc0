/**
 * An in-memory DynamoDB that meters: the project's own adapters (patients repository, audit log, session
 * store, user repository, billing's repositories, the analytics store) run against it unchanged, and every
 * request they make is recorded as the capacity units it takes on each partition key of each table and
 * global index (units.ts's rules, on the real items they write). The tables and their indexes are
 * system/tables.ts's. It keeps the items, so updates are sized on the item before and after, queries read
 * what earlier writes stored, and tables with a stream record their changes (the outbox, for the events).
 *
 * It takes the document client's commands (plain values) and the low-level client's (AttributeValues).
 * Items are copied at their top level only: callers must not change the nested values of items they wrote
 * or read (the adapters never do). Simplifications, none of which changes a unit: conditions are not
 * evaluated (every write succeeds);
 * FilterExpression and ProjectionExpression are not applied (DynamoDB charges for the items read before
 * either is applied); update expressions are the top-level SET / REMOVE / ADD / DELETE the project uses.
 */
import { createHash } from 'node:crypto';
import * as raw from '@aws-sdk/client-dynamodb';
import * as doc from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { IndexDefinition, TableDefinition } from '../../system/tables';
import { applyUpdate, compareValues, keyCondition } from './expressions';
import { STORAGE_OVERHEAD_BYTES, itemSize as sizeOf, readUnits, writeUnits } from './units';

type Item = Record<string, unknown>;

/** Sizes of stored items, remembered: a stored item is never changed (an update stores a new object). */
const sizes = new WeakMap<Item, number>();
function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  let size = sizes.get(item);
  if (size === undefined) sizes.set(item, (size = sizeOf(item)));
  return size;
}
type Values = Record<string, unknown>;
type Names = Record<string, string>;

/** Capacity one request took on one partition key of a table or index. */
export interface Access {
  table: string;
  /** A global index; undefined for the table itself. */
  index?: string;
  /** The partition key value. */
  key: string;
  kind: 'read' | 'write';
  units: number;
}

interface Partition {
  items: Map<string, Item>;
  sorted?: Item[];
}

interface Space {
  /** undefined: the table; else the index. */
  index?: IndexDefinition;
  pk: string;
  sk?: string;
  partitions: Map<string, Partition>;
}

/** A change kept for the stream: the images as stored (items are never changed once stored). */
interface Change {
  sequence: number;
  before?: Item;
  after?: Item;
  at: number;
}

class Table {
  readonly items = new Map<string, Item>();
  readonly spaces: Space[];
  readonly stream: Change[] = [];
  storedBytes = 0;

  constructor(readonly definition: TableDefinition) {
    this.spaces = [
      {
        pk: definition.partitionKey.name,
        ...(definition.sortKey ? { sk: definition.sortKey.name } : {}),
        partitions: new Map(),
      },
      ...(definition.globalIndexes ?? []).map((index) => ({
        index,
        pk: index.partitionKey.name,
        ...(index.sortKey ? { sk: index.sortKey.name } : {}),
        partitions: new Map<string, Partition>(),
      })),
    ];
  }

  keyOf(item: Item): string {
    const { partitionKey, sortKey } = this.definition;
    return sortKey
      ? `${String(item[partitionKey.name])}\u0000${String(item[sortKey.name])}`
      : String(item[partitionKey.name]);
  }

  primaryKey(item: Item): Item {
    const { partitionKey, sortKey } = this.definition;
    return { [partitionKey.name]: item[partitionKey.name], ...(sortKey ? { [sortKey.name]: item[sortKey.name] } : {}) };
  }
}

/** Whether an item appears in a space (an index holds only items that carry its key attributes). */
const inSpace = (space: Space, item: Item | undefined): item is Item =>
  item !== undefined && item[space.pk] !== undefined && (space.sk === undefined || item[space.sk] !== undefined);

/** The size of what a space stores of an item. */
const entrySize = (table: Table, space: Space, item: Item) =>
  !space.index || space.index.projection === 'ALL' ? itemSize(item) : itemSize(entryOf(table, space, item));

/** What an index stores of an item. */
function entryOf(table: Table, space: Space, item: Item): Item {
  if (!space.index || space.index.projection === 'ALL') return item;
  const keys: Item = { ...table.primaryKey(item), [space.pk]: item[space.pk] };
  if (space.sk) keys[space.sk] = item[space.sk];
  return keys;
}

/** The recorder: accesses of the requests made while measuring. */
export interface Measured<T> {
  result: T;
  accesses: Access[];
  /** Bytes of storage (items and index entries, with their overhead) the requests added, per table. */
  storedBytes: Record<string, number>;
  /** Stream records the requests made, per table with a stream. */
  streamRecords: Record<string, number>;
}

export class MemoryDynamo {
  private readonly tables = new Map<string, Table>();
  private log: Access[] | undefined;
  private sequence = 0;

  /** `definitions`: the table name the adapters use → its description. */
  constructor(definitions: Record<string, TableDefinition>) {
    for (const [name, definition] of Object.entries(definitions)) this.tables.set(name, new Table(definition));
  }

  /** Runs `work` and returns the capacity its requests took. */
  async measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
    const before = new Map([...this.tables].map(([name, t]) => [name, [t.storedBytes, t.stream.length] as const]));
    const previous = this.log;
    const accesses: Access[] = [];
    this.log = accesses;
    try {
      const result = await work();
      const storedBytes: Record<string, number> = {};
      const streamRecords: Record<string, number> = {};
      for (const [name, t] of this.tables) {
        const [bytes, records] = before.get(name)!;
        if (t.storedBytes !== bytes) storedBytes[t.definition.name] = t.storedBytes - bytes;
        if (t.stream.length !== records) streamRecords[t.definition.name] = t.stream.length - records;
      }
      return { result, accesses, storedBytes, streamRecords };
    } finally {
      this.log = previous;
    }
  }

  /** The changes recorded on a table with a stream (DynamoDB Streams' record shape, images marshalled). */
  streamOf(tableName: string): DynamoDBRecord[] {
    const table = this.table(tableName);
    return table.stream.map(({ sequence, before, after, at }) => ({
      // Like DynamoDB Streams' event ids: 32 hex digits.
      eventID: createHash('md5').update(`stream-${sequence}`).digest('hex'),
      eventName: !before ? 'INSERT' : after ? 'MODIFY' : 'REMOVE',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(at / 1000),
        Keys: marshall(table.primaryKey((after ?? before)!)) as never,
        ...(before ? { OldImage: marshall(before, { removeUndefinedValues: true }) as never } : {}),
        ...(after ? { NewImage: marshall(after, { removeUndefinedValues: true }) as never } : {}),
        SequenceNumber: String(sequence).padStart(21, '0'),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    }));
  }

  /** Every item stored in a table. */
  itemsOf(tableName: string): Item[] {
    return [...this.table(tableName).items.values()];
  }

  // ---- the client ----------------------------------------------------------------------------------------

  async send(command: { input: unknown }): Promise<unknown> {
    const name = command.constructor.name;
    const lowLevel = command instanceof raw.QueryCommand || /Item(s)?Command$/.test(name);
    const input = lowLevel ? fromAttributeValues(command.input as Item) : (command.input as Item);
    const output = this.execute(command, name, input);
    return lowLevel ? toAttributeValues(output) : output;
  }

  private execute(command: unknown, name: string, input: Item): Item {
    if (command instanceof raw.QueryCommand || command instanceof doc.QueryCommand) return this.query(input);
    switch (name) {
      case 'GetCommand':
      case 'GetItemCommand':
        return this.get(input);
      case 'PutCommand':
      case 'PutItemCommand':
        this.put(String(input.TableName), input.Item as Item, false);
        return {};
      case 'UpdateCommand':
      case 'UpdateItemCommand':
        return this.update(input, false);
      case 'DeleteCommand':
      case 'DeleteItemCommand':
        this.remove(String(input.TableName), input.Key as Item, false);
        return {};
      case 'BatchGetCommand':
      case 'BatchGetItemCommand':
        return this.batchGet(input);
      case 'BatchWriteCommand':
      case 'BatchWriteItemCommand':
        return this.batchWrite(input);
      case 'TransactWriteCommand':
      case 'TransactWriteItemsCommand':
        this.transactWrite(input);
        return {};
      case 'TransactGetCommand':
      case 'TransactGetItemsCommand':
        return this.transactGet(input);
      default:
        throw new Error(`MemoryDynamo does not take ${name}`);
    }
  }

  private table(name: string): Table {
    const table = this.tables.get(name);
    if (!table) throw new Error(`MemoryDynamo has no table ${name}`);
    return table;
  }

  private record(access: Access): void {
    this.log?.push(access);
  }

  // ---- reads ---------------------------------------------------------------------------------------------

  private read(table: Table, key: Item, consistent: boolean, transactional = false): Item | undefined {
    const item = table.items.get(table.keyOf(key));
    this.record({
      table: table.definition.name,
      key: String(key[table.definition.partitionKey.name]),
      kind: 'read',
      units: readUnits(itemSize(item), { consistent, transactional }),
    });
    return item;
  }

  private get(input: Item): Item {
    const table = this.table(String(input.TableName));
    const item = this.read(table, input.Key as Item, input.ConsistentRead === true);
    return item ? { Item: copy(item) } : {};
  }

  private batchGet(input: Item): Item {
    const responses: Record<string, Item[]> = {};
    for (const [name, request] of Object.entries(input.RequestItems as Record<string, Item>)) {
      const table = this.table(name);
      responses[name] = [];
      for (const key of request.Keys as Item[]) {
        const item = this.read(table, key, request.ConsistentRead === true);
        if (item) responses[name].push(copy(item));
      }
    }
    return { Responses: responses, UnprocessedKeys: {} };
  }

  private transactGet(input: Item): Item {
    const responses = (input.TransactItems as { Get: Item }[]).map(({ Get }) => {
      const item = this.read(this.table(String(Get.TableName)), Get.Key as Item, true, true);
      return item ? { Item: copy(item) } : {};
    });
    return { Responses: responses };
  }

  private query(input: Item): Item {
    const table = this.table(String(input.TableName));
    const space = input.IndexName ? table.spaces.find((s) => s.index?.indexName === input.IndexName) : table.spaces[0];
    if (!space) throw new Error(`No index ${String(input.IndexName)} on ${table.definition.name}`);
    const names = (input.ExpressionAttributeNames ?? {}) as Names;
    const values = (input.ExpressionAttributeValues ?? {}) as Values;
    const { pkValue, skRange } = keyCondition(String(input.KeyConditionExpression), names, values, space.pk);
    const forward = input.ScanIndexForward !== false;
    const sorted = this.sortedPartition(table, space, String(pkValue));
    // The key condition's sort keys are one run of the partition's order; the start key cuts it.
    const sk = (item: Item) => item[space.sk ?? ''];
    let low = firstIndex(sorted, (item) => skRange(sk(item)) >= 0);
    let high = firstIndex(sorted, (item) => skRange(sk(item)) > 0);
    const start = input.ExclusiveStartKey as Item | undefined;
    if (start) {
      const position = orderOf(table, space, start);
      const after = (item: Item) => compareOrder(orderOf(table, space, item), position) > 0;
      const atOrAfter = (item: Item) => compareOrder(orderOf(table, space, item), position) >= 0;
      if (forward) low = Math.max(low, firstIndex(sorted, after));
      else high = Math.min(high, firstIndex(sorted, atOrAfter));
    }
    const limit = typeof input.Limit === 'number' ? input.Limit : Infinity;
    const out: Item[] = [];
    let bytes = 0;
    for (let i = forward ? low : high - 1; forward ? i < high : i >= low; i += forward ? 1 : -1) {
      if (out.length >= limit || bytes >= 1024 * 1024) break;
      out.push(sorted[i]!);
      bytes += entrySize(table, space, sorted[i]!);
    }
    this.record({
      table: table.definition.name,
      ...(space.index ? { index: space.index.indexName } : {}),
      key: String(pkValue),
      kind: 'read',
      units: readUnits(bytes, { consistent: !space.index && input.ConsistentRead === true }),
    });
    const more = out.length < Math.max(0, high - low);
    const last = out.at(-1);
    return {
      Items: out.map((item) => copy(entryOf(table, space, item))),
      Count: out.length,
      ScannedCount: out.length,
      ...(more && last
        ? {
            LastEvaluatedKey: {
              ...table.primaryKey(last),
              [space.pk]: last[space.pk],
              ...(space.sk ? { [space.sk]: last[space.sk] } : {}),
            },
          }
        : {}),
    };
  }

  private sortedPartition(table: Table, space: Space, pkValue: string): Item[] {
    const partition = space.partitions.get(pkValue);
    if (!partition) return [];
    partition.sorted ??= [...partition.items.values()].sort((a, b) =>
      compareOrder(orderOf(table, space, a), orderOf(table, space, b)),
    );
    return partition.sorted;
  }

  // ---- writes --------------------------------------------------------------------------------------------

  /** Stores `after` in place of `before` (either may be absent) and records the table's and indexes' writes. */
  private write(table: Table, before: Item | undefined, after: Item | undefined, transactional: boolean): void {
    const key = table.keyOf((after ?? before)!);
    const name = table.definition.name;
    this.record({
      table: name,
      key: String((after ?? before)![table.definition.partitionKey.name]),
      kind: 'write',
      units: writeUnits(Math.max(itemSize(before), itemSize(after)), { transactional }),
    });
    for (const space of table.spaces) {
      const was = inSpace(space, before) ? before : undefined;
      const is = inSpace(space, after) ? after : undefined;
      const wasBytes = was ? entrySize(table, space, was) : 0;
      const isBytes = is ? entrySize(table, space, is) : 0;
      if (space.index) {
        const sameKey = was && is && was[space.pk] === is[space.pk] && (!space.sk || was[space.sk] === is[space.sk]);
        // An index entry whose key stays is updated in place (when it projects what changed); one whose key
        // changes is deleted and put again; one that appears or goes is one write.
        if (sameKey) {
          if (space.index.projection === 'ALL') this.indexWrite(table, space, is, Math.max(wasBytes, isBytes));
        } else {
          if (was) this.indexWrite(table, space, was, wasBytes);
          if (is) this.indexWrite(table, space, is, isBytes);
        }
      }
      table.storedBytes += (is ? isBytes + STORAGE_OVERHEAD_BYTES : 0) - (was ? wasBytes + STORAGE_OVERHEAD_BYTES : 0);
      if (was) {
        const partition = space.partitions.get(String(was[space.pk]))!;
        partition.items.delete(key);
        partition.sorted = undefined;
      }
      if (is) {
        const value = String(is[space.pk]);
        let partition = space.partitions.get(value);
        if (!partition) space.partitions.set(value, (partition = { items: new Map() }));
        partition.items.set(key, is);
        partition.sorted = undefined;
      }
    }
    if (after) table.items.set(key, after);
    else table.items.delete(key);
    if (table.definition.stream) table.stream.push({ sequence: ++this.sequence, before, after, at: Date.now() });
  }

  private indexWrite(table: Table, space: Space, item: Item, bytes: number): void {
    this.record({
      table: table.definition.name,
      index: space.index!.indexName,
      key: String(item[space.pk]),
      kind: 'write',
      units: writeUnits(bytes),
    });
  }

  private put(tableName: string, item: Item, transactional: boolean): void {
    const table = this.table(tableName);
    const stored = withoutUndefined(copy(item));
    this.write(table, table.items.get(table.keyOf(stored)), stored, transactional);
  }

  private remove(tableName: string, key: Item, transactional: boolean): void {
    const table = this.table(tableName);
    const before = table.items.get(table.keyOf(key));
    if (before) this.write(table, before, undefined, transactional);
    else
      this.record({
        table: table.definition.name,
        key: String(key[table.definition.partitionKey.name]),
        kind: 'write',
        units: writeUnits(0, { transactional }),
      });
  }

  private update(input: Item, transactional: boolean): Item {
    const table = this.table(String(input.TableName));
    const key = input.Key as Item;
    const before = table.items.get(table.keyOf(key));
    const after = applyUpdate(
      copy(before ?? { ...key }),
      typeof input.UpdateExpression === 'string' ? input.UpdateExpression : '',
      (input.ExpressionAttributeNames ?? {}) as Names,
      (input.ExpressionAttributeValues ?? {}) as Values,
    );
    this.write(table, before, after, transactional);
    switch (input.ReturnValues) {
      case 'ALL_NEW':
      case 'UPDATED_NEW':
        return { Attributes: copy(after) };
      case 'ALL_OLD':
      case 'UPDATED_OLD':
        return before ? { Attributes: copy(before) } : {};
      default:
        return {};
    }
  }

  private batchWrite(input: Item): Item {
    for (const [name, requests] of Object.entries(input.RequestItems as Record<string, Item[]>)) {
      for (const request of requests) {
        if (request.PutRequest) this.put(name, (request.PutRequest as Item).Item as Item, false);
        else if (request.DeleteRequest) this.remove(name, (request.DeleteRequest as Item).Key as Item, false);
      }
    }
    return { UnprocessedItems: {} };
  }

  private transactWrite(input: Item): void {
    for (const action of input.TransactItems as Item[]) {
      if (action.Put) {
        const put = action.Put as Item;
        this.put(String(put.TableName), put.Item as Item, true);
      } else if (action.Update) this.update(action.Update as Item, true);
      else if (action.Delete) {
        const del = action.Delete as Item;
        this.remove(String(del.TableName), del.Key as Item, true);
      } else if (action.ConditionCheck) {
        const check = action.ConditionCheck as Item;
        const table = this.table(String(check.TableName));
        const item = table.items.get(table.keyOf(check.Key as Item));
        this.record({
          table: table.definition.name,
          key: String((check.Key as Item)[table.definition.partitionKey.name]),
          kind: 'write',
          units: writeUnits(itemSize(item), { transactional: true }),
        });
      }
    }
  }
}

// ---- helpers ---------------------------------------------------------------------------------------------

/**
 * A copy of an item's top level. Stored items are never changed in place (an update stores a new object
 * whose attributes are replaced, never modified), so their nested values can be shared.
 */
const copy = (item: Item): Item => ({ ...item });

function withoutUndefined(item: Item): Item {
  for (const [name, value] of Object.entries(item)) if (value === undefined) delete item[name];
  return item;
}

/** The first index of a sorted list at which `test` holds (it holds from there on), or the length. */
function firstIndex(sorted: Item[], test: (item: Item) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(sorted[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** An item's position in a space: its sort key, then its table key (index entries may share a sort key). */
function orderOf(table: Table, space: Space, item: Item): unknown[] {
  const { partitionKey, sortKey } = table.definition;
  return [space.sk ? item[space.sk] : null, item[partitionKey.name], sortKey ? item[sortKey.name] : null];
}

function compareOrder(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

// ---- the low-level client's AttributeValues ---------------------------------------------------------------

const AV = (value: unknown) => unmarshall(value as Record<string, raw.AttributeValue>);

/** The low-level client's input with its AttributeValues read as plain values. */
function fromAttributeValues(input: Item): Item {
  const out: Item = { ...input };
  for (const field of ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'])
    if (out[field]) out[field] = AV(out[field]);
  if (out.RequestItems)
    out.RequestItems = Object.fromEntries(
      Object.entries(out.RequestItems as Record<string, unknown>).map(([name, request]) => [
        name,
        Array.isArray(request)
          ? request.map((r: Item) =>
              r.PutRequest
                ? { PutRequest: { Item: AV((r.PutRequest as Item).Item) } }
                : { DeleteRequest: { Key: AV((r.DeleteRequest as Item).Key) } },
            )
          : { ...(request as Item), Keys: ((request as Item).Keys as unknown[]).map(AV) },
      ]),
    );
  if (out.TransactItems)
    out.TransactItems = (out.TransactItems as Item[]).map((action) =>
      Object.fromEntries(Object.entries(action).map(([kind, body]) => [kind, fromAttributeValues(body as Item)])),
    );
  return out;
}

const toAV = (item: unknown) => marshall(item as Item, { removeUndefinedValues: true });

/** A document-style output in the low-level client's AttributeValues. */
function toAttributeValues(output: Item): Item {
  const out: Item = { ...output };
  for (const field of ['Item', 'Attributes', 'LastEvaluatedKey']) if (out[field]) out[field] = toAV(out[field]);
  if (out.Items) out.Items = (out.Items as Item[]).map(toAV);
  if (out.Responses && !Array.isArray(out.Responses))
    out.Responses = Object.fromEntries(
      Object.entries(out.Responses as Record<string, Item[]>).map(([name, items]) => [name, items.map(toAV)]),
    );
  if (Array.isArray(out.Responses))
    out.Responses = (out.Responses as Item[]).map((r) => (r.Item ? { Item: toAV(r.Item) } : {}));
  return out;
}
