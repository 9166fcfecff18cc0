/**
 * The ledger in DynamoDB. The account item (table billing-accounts, key patientId) carries the figures
 * and a version; table billing-transactions holds, per account, the transactions and the idempotency keys:
 *
 *   pk ACCOUNT#<accountId>   sk TX#<time-ordered id>   a transaction (its INSERT on the stream is TRANSACTION_RECORDED)
 *   pk ACCOUNT#<accountId>   sk KEY#<hashed key>       an idempotency key: the transaction it made, the request's fingerprint
 *
 * A write is one TransactWriteItems: per transaction, Put it (new) and Put its key (new); then Update the
 * account (figures, version + 1) on the condition that its version is the one read. Several transactions of
 * one account may share a write (the service batches a hot account's queue). So the balance always equals
 * what the transactions add up to, a key makes one transaction at most, and a process killed mid-write
 * leaves all of it or nothing. Listing is a Query of one partition, newest first; nothing scans, and no
 * key is shared by all accounts.
 */
import {
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { LedgerAccount, LedgerTransaction, TransactionType } from '../domain/ledger';
import type {
  CommitOutcome,
  LedgerRepository,
  LedgerWrite,
  TransactionPage,
  UsedKey,
} from '../domain/ledger-repository';

type Item = Record<string, AttributeValue>;

export const accountPartition = (accountId: string) => `ACCOUNT#${accountId}`;
export const transactionSortKey = (transactionId: string) => `TX#${transactionId}`;
const keySortKey = (keyId: string) => `KEY#${keyId}`;

export function toTransaction(item: Record<string, unknown>): LedgerTransaction {
  return {
    id: String(item.transactionId),
    accountId: String(item.accountId),
    patientId: String(item.patientId),
    type: item.type as TransactionType,
    amount: Number(item.amount),
    currency: String(item.currency),
    description: String(item.description),
    serviceDate: typeof item.serviceDate === 'string' ? item.serviceDate : '',
    createdAt: String(item.createdAt),
    createdBy: String(item.createdBy),
    balanceAfter: Number(item.balanceAfter),
  };
}

export class DynamoLedgerRepository implements LedgerRepository {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly tables: { accounts: string; transactions: string },
    /** The currency of accounts opened before the ledger existed (they store none). */
    private readonly defaultCurrency: string,
  ) {}

  async account(patientId: string): Promise<LedgerAccount | undefined> {
    const { Item } = await this.dynamo.send(
      new GetItemCommand({
        TableName: this.tables.accounts,
        Key: { patientId: { S: patientId } },
        ConsistentRead: true,
        ProjectionExpression:
          'patientId, accountId, createdAt, currency, balance, totalCharged, totalPaid, totalRefunded, updatedAt, ledgerVersion',
      }),
    );
    if (!Item) return undefined;
    const a = unmarshall(Item);
    const createdAt = String(a.createdAt ?? '');
    return {
      accountId: String(a.accountId),
      patientId: String(a.patientId),
      status: 'ACTIVE',
      currency: String(a.currency ?? this.defaultCurrency),
      createdAt,
      updatedAt: String(a.updatedAt ?? createdAt),
      balance: Number(a.balance ?? 0),
      totalCharged: Number(a.totalCharged ?? 0),
      totalPaid: Number(a.totalPaid ?? 0),
      totalRefunded: Number(a.totalRefunded ?? 0),
      version: Number(a.ledgerVersion ?? 0),
    };
  }

  async commit(write: LedgerWrite): Promise<CommitOutcome> {
    const { after, before, entries } = write;
    const pk = accountPartition(after.accountId);
    const items = entries.flatMap(({ transaction: t, keyId, fingerprint, eventId }) => [
      {
        Put: {
          TableName: this.tables.transactions,
          Item: marshall({
            pk,
            sk: transactionSortKey(t.id),
            entity: 'TRANSACTION',
            transactionId: t.id,
            accountId: t.accountId,
            patientId: t.patientId,
            type: t.type,
            amount: t.amount,
            currency: t.currency,
            description: t.description,
            serviceDate: t.serviceDate,
            createdAt: t.createdAt,
            createdBy: t.createdBy,
            balanceAfter: t.balanceAfter,
            fingerprint,
            eventId,
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tables.transactions,
          Item: marshall({
            pk,
            sk: keySortKey(keyId),
            entity: 'IDEMPOTENCY_KEY',
            transactionId: t.id,
            fingerprint,
            createdAt: t.createdAt,
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      },
    ]);
    try {
      await this.dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            ...items,
            {
              Update: {
                TableName: this.tables.accounts,
                Key: { patientId: { S: after.patientId } },
                UpdateExpression:
                  'SET balance = :balance, totalCharged = :charged, totalPaid = :paid, totalRefunded = :refunded, ' +
                  'currency = :currency, updatedAt = :at, ledgerVersion = :next',
                // Version 0 is an account no ledger write has touched (it may predate the ledger and have no version).
                ConditionExpression:
                  before.version === 0
                    ? 'accountId = :account AND (attribute_not_exists(ledgerVersion) OR ledgerVersion = :version)'
                    : 'accountId = :account AND ledgerVersion = :version',
                ExpressionAttributeValues: marshall({
                  ':balance': after.balance,
                  ':charged': after.totalCharged,
                  ':paid': after.totalPaid,
                  ':refunded': after.totalRefunded,
                  ':currency': after.currency,
                  ':at': after.updatedAt,
                  ':next': after.version,
                  ':version': before.version,
                  ':account': after.accountId,
                }),
              },
            },
          ],
        }),
      );
      return { kind: 'committed' };
    } catch (error) {
      if ((error as Error).name === 'TransactionConflictException') return { kind: 'contention' };
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Item }[] }).CancellationReasons ?? [];
      const used: (UsedKey & { index: number })[] = [];
      for (const [index, entry] of entries.entries()) {
        const reason = reasons[2 * index + 1];
        if (reason?.Code !== 'ConditionalCheckFailed') continue;
        const old = reason.Item ? unmarshall(reason.Item) : undefined;
        const stored = old
          ? { transactionId: String(old.transactionId), fingerprint: String(old.fingerprint) }
          : await this.usedKey(after.accountId, entry.keyId);
        if (stored) used.push({ index, ...stored });
      }
      if (used.length > 0) return { kind: 'key-used', used };
      if (reasons.at(-1)?.Code === 'ConditionalCheckFailed') return { kind: 'stale' };
      if (reasons.some((r) => r.Code === 'TransactionConflict')) return { kind: 'contention' };
      throw error;
    }
  }

  async transaction(accountId: string, transactionId: string): Promise<LedgerTransaction | undefined> {
    const { Item } = await this.dynamo.send(
      new GetItemCommand({
        TableName: this.tables.transactions,
        ConsistentRead: true,
        Key: { pk: { S: accountPartition(accountId) }, sk: { S: transactionSortKey(transactionId) } },
      }),
    );
    return Item ? toTransaction(unmarshall(Item)) : undefined;
  }

  async usedKey(accountId: string, keyId: string): Promise<UsedKey | undefined> {
    const { Item } = await this.dynamo.send(
      new GetItemCommand({
        TableName: this.tables.transactions,
        ConsistentRead: true,
        Key: { pk: { S: accountPartition(accountId) }, sk: { S: keySortKey(keyId) } },
      }),
    );
    if (!Item) return undefined;
    const used = unmarshall(Item);
    return { transactionId: String(used.transactionId), fingerprint: String(used.fingerprint) };
  }

  async page(accountId: string, limit: number, afterId?: string): Promise<TransactionPage> {
    const pk = accountPartition(accountId);
    const transactions: LedgerTransaction[] = [];
    let startKey: Item | undefined = afterId ? { pk: { S: pk }, sk: { S: transactionSortKey(afterId) } } : undefined;
    // One item more than the page, to know whether another page follows.
    do {
      const { Items = [], LastEvaluatedKey } = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tables.transactions,
          ConsistentRead: true,
          ScanIndexForward: false,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tx)',
          ExpressionAttributeValues: { ':pk': { S: pk }, ':tx': { S: 'TX#' } },
          ExclusiveStartKey: startKey,
          Limit: limit + 1 - transactions.length,
        }),
      );
      transactions.push(...Items.map((item) => toTransaction(unmarshall(item))));
      startKey = LastEvaluatedKey;
    } while (startKey && transactions.length <= limit);
    const more = transactions.length > limit;
    const page = transactions.slice(0, limit);
    return { transactions: page, ...(more ? { continueAfter: page.at(-1)!.id } : {}) };
  }
}
