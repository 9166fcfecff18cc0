/**
 * Sessions in the `sessions` table, each item expiring by TTL (`expiresAt`, epoch seconds):
 * - `REFRESH#<sha256>`  one refresh token: family, user, used flag
 * - `FAMILY#<id>`       one login: revoked flag and the access tokens it issued (jti → exp)
 * - `REVOKED#<jti>`     a revoked access token, kept until the token would have expired anyway
 * - `LOGIN#<key>`       recent login attempts for one email, cleared by a success (the key is a hash, not the email)
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { WINDOW_MS } from '../domain/login-throttle';
import type { SessionStore } from '../ports';

export const revokedKey = (jti: string) => ({ pk: `REVOKED#${jti}` });
const refreshKey = (hash: string) => ({ pk: `REFRESH#${hash}` });
const familyKey = (id: string) => ({ pk: `FAMILY#${id}` });
const loginKey = (key: string) => ({ pk: `LOGIN#${key}` });

export function dynamoSessionStore(db: DynamoDBDocumentClient, table: string): SessionStore {
  const refreshItem = (hash: string, familyId: string, userId: string, expiresAt: number) =>
    ({ ...refreshKey(hash), type: 'REFRESH', familyId, userId, used: false, expiresAt });

  return {
    async startFamily(family, tokens) {
      await db.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: refreshItem(tokens.refreshHash, family.id, family.userId, tokens.refreshExpiresAt) } },
          { Put: { TableName: table, Item: {
            ...familyKey(family.id), type: 'FAMILY', userId: family.userId, revoked: false, startedAt: family.startedAt,
            accessTokens: { [tokens.accessJti]: tokens.accessExpiresAt }, expiresAt: tokens.refreshExpiresAt,
          } } },
        ],
      }));
    },

    async findRefresh(hash) {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: refreshKey(hash), ConsistentRead: true }));
      if (!Item) return undefined;
      return { familyId: Item.familyId, userId: Item.userId, used: Item.used === true, expiresAt: Item.expiresAt };
    },

    async findFamily(id) {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: familyKey(id), ConsistentRead: true }));
      if (!Item) return undefined;
      return {
        id, userId: Item.userId, revoked: Item.revoked === true, accessTokens: Item.accessTokens ?? {},
        ...(typeof Item.startedAt === 'number' ? { startedAt: Item.startedAt } : {}),
      };
    },

    async rotate(oldHash, familyId, tokens) {
      const old = await db.send(new GetCommand({ TableName: table, Key: refreshKey(oldHash), ConsistentRead: true }));
      if (!old.Item) return false;
      try {
        await db.send(new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: table, Key: refreshKey(oldHash), UpdateExpression: 'SET used = :true',
              ConditionExpression: 'used = :false', ExpressionAttributeValues: { ':true': true, ':false': false } } },
            { Put: { TableName: table, Item: refreshItem(tokens.refreshHash, familyId, old.Item.userId, tokens.refreshExpiresAt) } },
            { Update: { TableName: table, Key: familyKey(familyId),
              UpdateExpression: 'SET accessTokens.#jti = :exp, expiresAt = :familyExp',
              ConditionExpression: 'attribute_exists(pk) AND revoked = :false',
              ExpressionAttributeNames: { '#jti': tokens.accessJti },
              ExpressionAttributeValues: { ':exp': tokens.accessExpiresAt, ':familyExp': tokens.refreshExpiresAt, ':false': false } } },
          ],
        }));
        return true;
      } catch (error) {
        if (error instanceof TransactionCanceledException) return false;
        throw error;
      }
    },

    async revokeFamily(familyId, nowSeconds) {
      const { Attributes } = await db.send(new UpdateCommand({
        TableName: table, Key: familyKey(familyId), UpdateExpression: 'SET revoked = :true',
        ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':true': true }, ReturnValues: 'ALL_NEW',
      })).catch((error: Error) => {
        if (error.name === 'ConditionalCheckFailedException') return { Attributes: undefined };
        throw error;
      });
      const live = Object.entries((Attributes?.accessTokens ?? {}) as Record<string, number>).filter(([, exp]) => exp > nowSeconds);
      for (let i = 0; i < live.length; i += 25) {
        const chunk = live.slice(i, i + 25);
        let requests: Record<string, unknown>[] = chunk.map(([jti, exp]) => ({ PutRequest: { Item: { ...revokedKey(jti), type: 'REVOKED', expiresAt: exp } } }));
        // BatchWrite may leave some items unprocessed under load; retry until none are left.
        for (let attempt = 0; requests.length > 0; attempt++) {
          const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests as never } }));
          requests = (UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
          if (requests.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        }
      }
    },

    async revokeAccessToken(jti, expiresAt) {
      await db.send(new PutCommand({ TableName: table, Item: { ...revokedKey(jti), type: 'REVOKED', expiresAt } }));
    },

    async isRevoked(jti) {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: revokedKey(jti), ConsistentRead: true, ProjectionExpression: 'pk' }));
      return Item !== undefined;
    },

    async loginFailures(key) {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: loginKey(key), ConsistentRead: true }));
      return Array.isArray(Item?.failures) ? (Item.failures as number[]) : [];
    },

    async reserveLoginAttempt(key, seenLength, keep, at) {
      // A conditional rewrite (not an append): stale times are pruned, and two writers that read the
      // same list cannot both succeed, so at most MAX_FAILURES attempts are ever counted in the window.
      try {
        await db.send(new PutCommand({
          TableName: table,
          Item: { ...loginKey(key), type: 'LOGIN', failures: [...keep, at], expiresAt: Math.ceil((at + WINDOW_MS) / 1000) },
          ConditionExpression: seenLength === 0 ? 'attribute_not_exists(pk)' : 'size(failures) = :seen',
          ...(seenLength === 0 ? {} : { ExpressionAttributeValues: { ':seen': seenLength } }),
        }));
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    async clearLoginFailures(key) {
      await db.send(new DeleteCommand({ TableName: table, Key: loginKey(key) }));
    },
  };
}
