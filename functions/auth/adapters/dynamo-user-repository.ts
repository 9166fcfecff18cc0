/**
 * Users in the `users` table: `USER#<id>` holds the user; `EMAIL#<normalized email>` points at it and
 * makes the email unique (both written in one transaction, the email item only if absent). The user's
 * access state (email verified, logins valid from) is mirrored in the sessions table's `ACCOUNT#<id>`,
 * in the same transactions, so the authorizer reads it with the login in one request.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuthError } from '../domain/errors';
import type { UserRecord, UserRepository } from '../ports';
import { accountKey } from './session-keys';

export const userKey = (id: string) => ({ pk: `USER#${id}` });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}` });
const NO_USER = '00000000-0000-0000-0000-000000000000';

const firstConditionFailed = (error: unknown) =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';

export interface UserTables { users: string; sessions: string }

export function dynamoUserRepository(db: DynamoDBDocumentClient, tables: UserTables): UserRepository {
  const findById = async (id: string): Promise<UserRecord | undefined> => {
    const { Item } = await db.send(new GetCommand({ TableName: tables.users, Key: userKey(id), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      id: Item.id, email: Item.email, role: Item.role, passwordHash: Item.passwordHash, createdAt: Item.createdAt,
      emailVerified: Item.emailVerified === true,
      ...(typeof Item.passwordChangedAt === 'number' ? { passwordChangedAt: Item.passwordChangedAt } : {}),
    };
  };
  return {
    async create(user) {
      try {
        await db.send(new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tables.users, Item: { ...emailKey(user.email), type: 'EMAIL', userId: user.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: tables.users, Item: { ...userKey(user.id), type: 'USER', ...user }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: tables.sessions, Item: { ...accountKey(user.id), type: 'ACCOUNT', emailVerified: user.emailVerified } } },
          ],
        }));
      } catch (error) {
        if (firstConditionFailed(error)) throw new AuthError('EMAIL_TAKEN');
        throw error;
      }
    },
    async findByEmail(email) {
      const { Item } = await db.send(new GetCommand({ TableName: tables.users, Key: emailKey(email), ConsistentRead: true }));
      // Always a second read, even for an unknown email, so the number of round trips reveals nothing.
      return findById(typeof Item?.userId === 'string' ? Item.userId : NO_USER);
    },
    findById,
    async changePassword(id, previousHash, passwordHash, changedAt) {
      try {
        await db.send(new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: tables.users, Key: userKey(id), ConditionExpression: 'passwordHash = :previous',
              UpdateExpression: 'SET passwordHash = :hash, passwordChangedAt = :at',
              ExpressionAttributeValues: { ':previous': previousHash, ':hash': passwordHash, ':at': changedAt } } },
            // Every login that started before the change is over, on its very next request.
            { Update: { TableName: tables.sessions, Key: accountKey(id),
              UpdateExpression: 'SET #type = :type, loginsValidFrom = :at', ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':type': 'ACCOUNT', ':at': changedAt } } },
          ],
        }));
      } catch (error) {
        // Two changes that checked the same current password: the second finds it replaced.
        if (firstConditionFailed(error)) throw new AuthError('WRONG_PASSWORD');
        throw error;
      }
    },
  };
}
