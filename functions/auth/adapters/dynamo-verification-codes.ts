/**
 * Email-verification codes in the sessions table (`VERIFY#<userId>`, expiring by TTL). Confirming a code
 * deletes it and marks the email verified on the user and in their access state, in one transaction.
 */
import { cancellationReasons, isConditionalCheckFailure } from '../../commons/dynamo-errors';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { VerificationCode, VerificationCodes } from '../ports';
import { userKey, type UserTables } from './dynamo-user-repository';
import { accountKey, verificationKey } from './session-keys';

/** A `VERIFY#` item as stored (items written before wrongTries and sentAt existed lack them). */
interface VerificationItem {
  codeHash: string;
  codeExpiresAt: number;
  wrongTries?: number;
  sentAt?: number[];
}

const conditionFailed = (error: unknown) =>
  isConditionalCheckFailure(error) || cancellationReasons(error) !== undefined;

export class DynamoVerificationCodes implements VerificationCodes {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: UserTables,
  ) {}

  async find(userId: string): Promise<VerificationCode | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.sessions, Key: verificationKey(userId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const item = Item as VerificationItem;
    return {
      codeHash: item.codeHash,
      expiresAt: item.codeExpiresAt,
      wrongTries: item.wrongTries ?? 0,
      sentAt: item.sentAt ?? [],
    };
  }

  async save(userId: string, code: VerificationCode): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tables.sessions,
        Item: {
          ...verificationKey(userId),
          type: 'VERIFY',
          codeHash: code.codeHash,
          codeExpiresAt: code.expiresAt,
          wrongTries: code.wrongTries,
          sentAt: code.sentAt,
          // Kept past the code's own expiry while its sends still count against the resend limit.
          expiresAt: Math.ceil(Math.max(code.expiresAt, ...code.sentAt.map((t) => t + 3_600_000)) / 1000),
        },
      }),
    );
  }

  async recordWrongTry(userId: string, seenTries: number, maxTries: number): Promise<boolean> {
    try {
      if (seenTries + 1 >= maxTries) {
        await this.db.send(
          new DeleteCommand({
            TableName: this.tables.sessions,
            Key: verificationKey(userId),
            ConditionExpression: 'wrongTries = :seen',
            ExpressionAttributeValues: { ':seen': seenTries },
          }),
        );
      } else {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tables.sessions,
            Key: verificationKey(userId),
            UpdateExpression: 'SET wrongTries = :next',
            ConditionExpression: 'wrongTries = :seen',
            ExpressionAttributeValues: { ':seen': seenTries, ':next': seenTries + 1 },
          }),
        );
      }
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async confirm(userId: string, codeHash: string, seenTries: number): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tables.sessions,
                Key: verificationKey(userId),
                ConditionExpression: 'codeHash = :hash AND wrongTries = :seen',
                ExpressionAttributeValues: { ':hash': codeHash, ':seen': seenTries },
              },
            },
            {
              Update: {
                TableName: this.tables.users,
                Key: userKey(userId),
                UpdateExpression: 'SET emailVerified = :true',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':true': true },
              },
            },
            {
              Update: {
                TableName: this.tables.sessions,
                Key: accountKey(userId),
                UpdateExpression: 'SET #type = :type, emailVerified = :true',
                ExpressionAttributeNames: { '#type': 'type' },
                ExpressionAttributeValues: { ':type': 'ACCOUNT', ':true': true },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }
}
