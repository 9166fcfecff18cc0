/**
 * Logins in the `sessions` table (keys in session-keys.ts), each item expiring by TTL (`expiresAt`,
 * epoch seconds). A login's access tokens carry its id (`sid`): ending the login (its `FAMILY#` item
 * revoked) ends them all at once, so no per-token revocation list is kept.
 */
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../commons/dynamo-batch';
import { cancellationReasons, writtenIf } from '../../commons/dynamo-errors';
import { WINDOW_MS, type LoginAttempts } from '../domain/login-throttle';
import type {
  AccessState,
  IssuedTokens,
  LoginAttemptCount,
  LoginStart,
  LoginSummary,
  RefreshRecord,
  RefreshState,
  SessionStore,
} from '../ports';
import {
  ACCOUNT_ATTRIBUTES,
  LOGIN_ATTRIBUTES,
  accountKey,
  accountStateOf,
  familyKey,
  loginKey,
  loginRecordOf,
  refreshKey,
  userLoginsKey,
} from './session-keys';

/** When a `LOGIN#` item written at `at` expires (TTL, epoch seconds): once its last attempt has left the window. */
const loginItemExpiry = (at: number) => Math.ceil((at + WINDOW_MS) / 1000);

const refreshItem = (hash: string, familyId: string, userId: string, expiresAt: number) => ({
  ...refreshKey(hash),
  type: 'REFRESH',
  familyId,
  userId,
  used: false,
  expiresAt,
});
/** A `REFRESH#` item as stored. */
type RefreshItem = ReturnType<typeof refreshItem>;

/** What the access decision and a refresh read of the `FAMILY#`, `ACCOUNT#` and `REFRESH#` items. */
const READ_ATTRIBUTES = [
  'pk',
  ...new Set([...LOGIN_ATTRIBUTES, ...ACCOUNT_ATTRIBUTES, 'familyId', 'userId', 'used', 'expiresAt']),
];

function refreshRecordOf(item: Record<string, unknown> | undefined): RefreshRecord | undefined {
  if (!item) return undefined;
  const { familyId, userId, used, expiresAt } = item as RefreshItem;
  return { familyId, userId, used: used === true, expiresAt };
}

export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async startFamily(login: LoginStart, tokens: IssuedTokens): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: refreshItem(tokens.refreshHash, login.id, login.userId, tokens.refreshExpiresAt),
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: {
                ...familyKey(login.id),
                type: 'FAMILY',
                userId: login.userId,
                revoked: false,
                startedAt: login.startedAt,
                lastUsedAt: login.startedAt,
                endsAt: login.endsAt,
                expiresAt: tokens.refreshExpiresAt,
                ...(login.userAgent ? { userAgent: login.userAgent } : {}),
                // Listed per user (gsi1), newest first: the user's own "where am I signed in".
                gsi1pk: userLoginsKey(login.userId),
                gsi1sk: `${new Date(login.startedAt).toISOString()}#${login.id}`,
              },
            },
          },
        ],
      }),
    );
  }

  async findRefresh(hash: string): Promise<RefreshRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: refreshKey(hash), ConsistentRead: true }),
    );
    return refreshRecordOf(Item);
  }

  accessState(familyId: string, userId: string): Promise<AccessState> {
    return this.read(familyId, userId);
  }

  refreshState(hash: string, familyId: string, userId: string): Promise<RefreshState> {
    return this.read(familyId, userId, hash);
  }

  /** The login and the account, and the refresh token's record when asked: one strongly consistent BatchGetItem. */
  private async read(familyId: string, userId: string, refreshHash?: string): Promise<RefreshState> {
    const keys = [familyKey(familyId), accountKey(userId), ...(refreshHash ? [refreshKey(refreshHash)] : [])];
    const items = await batchGetAll(this.db, this.table, keys, READ_ATTRIBUTES);
    const itemOf = (key: { pk: string }) => items.find((item) => item.pk === key.pk);
    const login = loginRecordOf(itemOf(familyKey(familyId)));
    const record = refreshHash ? refreshRecordOf(itemOf(refreshKey(refreshHash))) : undefined;
    return {
      ...(login ? { login } : {}),
      account: accountStateOf(itemOf(accountKey(userId))),
      ...(record ? { record } : {}),
    };
  }

  async rotate(
    oldHash: string,
    { familyId, userId }: Pick<RefreshRecord, 'familyId' | 'userId'>,
    tokens: IssuedTokens,
    usedAt: number,
  ): Promise<boolean> {
    // No read first: the condition on the old token fails as well when it is gone (expired by TTL).
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: refreshKey(oldHash),
                UpdateExpression: 'SET used = :true',
                ConditionExpression: 'used = :false',
                ExpressionAttributeValues: { ':true': true, ':false': false },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: refreshItem(tokens.refreshHash, familyId, userId, tokens.refreshExpiresAt),
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: familyKey(familyId),
                UpdateExpression: 'SET lastUsedAt = :at, expiresAt = :familyExp',
                ConditionExpression: 'attribute_exists(pk) AND revoked = :false',
                ExpressionAttributeValues: { ':at': usedAt, ':familyExp': tokens.refreshExpiresAt, ':false': false },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationReasons(error)) return false;
      throw error;
    }
  }

  async revokeFamily(familyId: string): Promise<void> {
    // Not written when the login is gone: an expired login is over anyway.
    await writtenIf(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: familyKey(familyId),
          UpdateExpression: 'SET revoked = :true',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':true': true },
        }),
      ),
    );
  }

  async loginsOf(userId: string): Promise<LoginSummary[]> {
    const logins: LoginSummary[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :user',
          ScanIndexForward: false,
          ExpressionAttributeValues: { ':user': userLoginsKey(userId) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const login = loginRecordOf(item);
        if (!login) continue;
        logins.push({
          ...login,
          id: String(item.pk).slice('FAMILY#'.length),
          lastUsedAt: Number(item.lastUsedAt ?? login.startedAt),
          expiresAt: Number(item.expiresAt ?? 0),
          ...(typeof item.userAgent === 'string' ? { userAgent: item.userAgent } : {}),
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return logins;
  }

  async loginAttempts(key: string): Promise<LoginAttempts> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: loginKey(key), ConsistentRead: true }),
    );
    return {
      failures: Array.isArray(Item?.failures) ? (Item.failures as number[]) : [],
      running: (Item?.running as Record<string, number> | undefined) ?? {},
      seq: Number(Item?.seq ?? 0),
    };
  }

  reserveLoginAttempt(key: string, seen: LoginAttempts, attempt: LoginAttemptCount): Promise<boolean> {
    // Both lists are rewritten whole (stale entries pruned) under a condition on `seq`, which every change of the
    // key advances: of two writers that read the same state only one succeeds, so no attempt is counted twice or lost.
    const running = Object.fromEntries(Object.entries(seen.running).filter(([id]) => !attempt.drop.includes(id)));
    return writtenIf(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: loginKey(key),
          UpdateExpression:
            'SET #type = :type, failures = :failures, running = :running, expiresAt = :expiresAt ADD seq :one',
          ConditionExpression: seen.seq === 0 ? 'attribute_not_exists(seq)' : 'seq = :seen',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':type': 'LOGIN',
            ':failures': attempt.keep,
            ':running': { ...running, [attempt.id]: attempt.at },
            ':expiresAt': loginItemExpiry(attempt.at),
            ':one': 1,
            ...(seen.seq === 0 ? {} : { ':seen': seen.seq }),
          },
        }),
      ),
    );
  }

  async settleLoginAttempt(key: string, id: string, at: number): Promise<void> {
    // Not written when a success cleared the key meanwhile, this attempt with it.
    await writtenIf(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: loginKey(key),
          UpdateExpression:
            'REMOVE running.#id SET failures = list_append(failures, :at), expiresAt = :expiresAt ADD seq :one',
          ConditionExpression: 'attribute_exists(running.#id)',
          ExpressionAttributeNames: { '#id': id },
          ExpressionAttributeValues: { ':at': [at], ':expiresAt': loginItemExpiry(at), ':one': 1 },
        }),
      ),
    );
  }

  async clearLoginFailures(key: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: loginKey(key) }));
  }
}
