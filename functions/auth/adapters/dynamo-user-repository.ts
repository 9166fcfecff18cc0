/**
 * Users in the `users` table: `USER#<id>` holds the user (listed newest first through gsi1);
 * `EMAIL#<normalized email>` points at it and makes the email unique (both written in one transaction,
 * the email item only if absent); `ADMINS` holds the ids of the active admins, so that no change can
 * remove the last one. The user's access state (email verified, logins valid from) is mirrored in the
 * sessions table's `ACCOUNT#<id>`, in the same transactions, so the authorizer reads it with the login in
 * one request.
 */
import { cancellationReasons, conditionFailed, isTransactionConflict } from '../../commons/dynamo-errors';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { AuthError } from '../domain/errors';
import type { UserChange, UserQuery, UserRecord, UserRepository, UserStatus } from '../ports';
import { accountKey } from './session-keys';

export const userKey = (id: string) => ({ pk: `USER#${id}` });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}` });
const ADMINS = { pk: 'ADMINS' };
const NO_USER = '00000000-0000-0000-0000-000000000000';
const LISTING = 'USERS';
const listingKey = (user: { id: string; createdAt: string }) => ({
  ...userKey(user.id),
  gsi1pk: LISTING,
  gsi1sk: `${user.createdAt}#${user.id}`,
});
const isActiveAdmin = (role: string, status: UserStatus) => role === 'admin' && status === 'active';

function userOf(item: Record<string, unknown>): UserRecord {
  return {
    id: item.id as string,
    email: item.email as string,
    role: item.role as UserRecord['role'],
    passwordHash: item.passwordHash as string,
    createdAt: item.createdAt as string,
    emailVerified: item.emailVerified === true,
    status: item.status === 'disabled' ? 'disabled' : 'active',
    ...(typeof item.lastLoginAt === 'string' ? { lastLoginAt: item.lastLoginAt } : {}),
    ...(typeof item.passwordChangedAt === 'number' ? { passwordChangedAt: item.passwordChangedAt } : {}),
  };
}

const firstConditionFailed = (error: unknown) => conditionFailed(cancellationReasons(error)?.[0]);

/** Ends every login of the user started before `at`: the user's access state in the sessions table. */
const endLoginsItem = (sessionsTable: string, id: string, at: number) => ({
  Update: {
    TableName: sessionsTable,
    Key: accountKey(id),
    UpdateExpression: 'SET #type = :type, loginsValidFrom = :at',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':type': 'ACCOUNT', ':at': at },
  },
});

export interface UserTables {
  users: string;
  sessions: string;
}

export class DynamoUserRepository implements UserRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: UserTables,
  ) {}

  async create(user: UserRecord): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.users,
                Item: { ...emailKey(user.email), type: 'EMAIL', userId: user.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tables.users,
                Item: { ...listingKey(user), type: 'USER', ...user, status: user.status ?? 'active' },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tables.sessions,
                Item: { ...accountKey(user.id), type: 'ACCOUNT', emailVerified: user.emailVerified },
              },
            },
            ...(isActiveAdmin(user.role, user.status ?? 'active')
              ? [
                  {
                    Update: {
                      TableName: this.tables.users,
                      Key: ADMINS,
                      UpdateExpression: 'ADD ids :id',
                      ExpressionAttributeValues: { ':id': new Set([user.id]) },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
    } catch (error) {
      if (firstConditionFailed(error)) throw new AuthError('EMAIL_TAKEN');
      throw error;
    }
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.users, Key: emailKey(email), ConsistentRead: true }),
    );
    // Always a second read, even for an unknown email, so the number of round trips reveals nothing.
    return this.findById(typeof Item?.userId === 'string' ? Item.userId : NO_USER);
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.users, Key: userKey(id), ConsistentRead: true }),
    );
    return Item ? userOf(Item) : undefined;
  }

  async changePassword(id: string, previousHash: string, passwordHash: string, changedAt: number): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tables.users,
                Key: userKey(id),
                ConditionExpression: 'passwordHash = :previous',
                UpdateExpression: 'SET passwordHash = :hash, passwordChangedAt = :at',
                ExpressionAttributeValues: { ':previous': previousHash, ':hash': passwordHash, ':at': changedAt },
              },
            },
            // Every login that started before the change is over, on its very next request.
            endLoginsItem(this.tables.sessions, id, changedAt),
          ],
        }),
      );
    } catch (error) {
      // Two changes that checked the same current password: the second finds it replaced.
      if (firstConditionFailed(error)) throw new AuthError('WRONG_PASSWORD');
      throw error;
    }
  }

  async list(query: UserQuery): Promise<{ users: UserRecord[]; more: boolean }> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':listing': LISTING };
    const filters: string[] = [];
    if (query.role) {
      names['#role'] = 'role';
      values[':role'] = query.role;
      filters.push('#role = :role');
    }
    if (query.status) {
      names['#status'] = 'status';
      values[':status'] = query.status;
      filters.push(
        query.status === 'active' ? '(attribute_not_exists(#status) OR #status = :status)' : '#status = :status',
      );
    }
    const users: UserRecord[] = [];
    let start: Record<string, unknown> | undefined = query.after ? listingKey(query.after) : undefined;
    // One more than asked for tells whether another page exists; a filter may need several reads.
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tables.users,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :listing',
          ScanIndexForward: false,
          ExpressionAttributeValues: values,
          ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
          Limit: query.limit + 1,
          ExclusiveStartKey: start,
        }),
      );
      users.push(...(page.Items ?? []).map(userOf));
      start = page.LastEvaluatedKey;
    } while (start && users.length <= query.limit);
    return { users: users.slice(0, query.limit), more: users.length > query.limit };
  }

  async update(id: string, change: UserChange): Promise<void> {
    const { expected } = change;
    const wasAdmin = isActiveAdmin(expected.role, expected.status);
    const isAdmin = isActiveAdmin(change.role, change.status);
    const endsLogins = change.role !== expected.role || change.status === 'disabled';
    const adminSet =
      wasAdmin && !isAdmin
        ? // Refused when this would empty the set (an admin stored before the set existed is not in it).
          [
            {
              Update: {
                TableName: this.tables.users,
                Key: ADMINS,
                UpdateExpression: 'DELETE ids :id',
                ConditionExpression: 'NOT contains(ids, :idText) OR size(ids) > :one',
                ExpressionAttributeValues: { ':id': new Set([id]), ':idText': id, ':one': 1 },
              },
            },
          ]
        : !wasAdmin && isAdmin
          ? [
              {
                Update: {
                  TableName: this.tables.users,
                  Key: ADMINS,
                  UpdateExpression: 'ADD ids :id',
                  ExpressionAttributeValues: { ':id': new Set([id]) },
                },
              },
            ]
          : [];
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tables.users,
                Key: userKey(id),
                UpdateExpression: 'SET #role = :role, #status = :status',
                ConditionExpression: `#role = :oldRole AND ${expected.status === 'active' ? '(attribute_not_exists(#status) OR #status = :oldStatus)' : '#status = :oldStatus'}`,
                ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
                ExpressionAttributeValues: {
                  ':role': change.role,
                  ':status': change.status,
                  ':oldRole': expected.role,
                  ':oldStatus': expected.status,
                },
              },
            },
            ...(endsLogins ? [endLoginsItem(this.tables.sessions, id, change.at)] : []),
            ...adminSet,
          ],
        }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      // Another transaction on the same items in flight is a race lost as much as a changed user is.
      if (conditionFailed(reasons[0]) || isTransactionConflict(error)) throw new AuthError('CONFLICT');
      if (conditionFailed(reasons.at(-1))) throw new AuthError('LAST_ADMIN');
      throw error;
    }
  }

  async endLogins(id: string, at: number): Promise<void> {
    await this.db.send(new TransactWriteCommand({ TransactItems: [endLoginsItem(this.tables.sessions, id, at)] }));
  }

  async recordLogin(id: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tables.users,
        Key: userKey(id),
        UpdateExpression: 'SET lastLoginAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }
}
