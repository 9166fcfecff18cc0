/**
 * Users in the `users` table: `USER#<id>` holds the user; `EMAIL#<normalized email>` points at it and
 * makes the email unique (both written in one transaction, the email item only if absent).
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuthError } from '../domain/errors';
import type { UserRecord, UserRepository } from '../ports';

const userKey = (id: string) => ({ pk: `USER#${id}` });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}` });
const NO_USER = '00000000-0000-0000-0000-000000000000';

export function dynamoUserRepository(db: DynamoDBDocumentClient, table: string): UserRepository {
  const findById = async (id: string): Promise<UserRecord | undefined> => {
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: userKey(id), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      id: Item.id, email: Item.email, role: Item.role, passwordHash: Item.passwordHash, createdAt: Item.createdAt,
      ...(typeof Item.passwordChangedAt === 'number' ? { passwordChangedAt: Item.passwordChangedAt } : {}),
    };
  };
  return {
    async create(user) {
      try {
        await db.send(new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { ...emailKey(user.email), type: 'EMAIL', userId: user.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: table, Item: { ...userKey(user.id), type: 'USER', ...user }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }));
      } catch (error) {
        if (error instanceof TransactionCanceledException
          && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw new AuthError('EMAIL_TAKEN');
        throw error;
      }
    },
    async findByEmail(email) {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: emailKey(email), ConsistentRead: true }));
      // Always a second read, even for an unknown email, so the number of round trips reveals nothing.
      return findById(typeof Item?.userId === 'string' ? Item.userId : NO_USER);
    },
    findById,
    async changePassword(id, previousHash, passwordHash, changedAt) {
      try {
        await db.send(new UpdateCommand({
          TableName: table, Key: userKey(id), ConditionExpression: 'passwordHash = :previous',
          UpdateExpression: 'SET passwordHash = :hash, passwordChangedAt = :at',
          ExpressionAttributeValues: { ':previous': previousHash, ':hash': passwordHash, ':at': changedAt },
        }));
      } catch (error) {
        // Two changes that checked the same current password: the second finds it replaced.
        if (error instanceof ConditionalCheckFailedException) throw new AuthError('WRONG_PASSWORD');
        throw error;
      }
    },
  };
}
