/**
 * Billing accounts in DynamoDB, one item per patient (partition key patientId). Opening is a single
 * conditional PutItem: concurrent requests for one patient race on the condition, exactly one wins,
 * and the losers get the winner's item back from the failed condition itself (no second read).
 * The plain client with explicit attribute values, not the document client: every call is on the hot path.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AccountRepository } from '../domain/account-repository';
import { ACCOUNT_STATUS, type BillingAccount, type BillingContact } from '../domain/billing-account';

export function billingDynamoClient(endpoint?: string): DynamoDBClient {
  return new DynamoDBClient({
    // Bounded waits: a slow table surfaces as an error instead of holding calls until the caller's deadline.
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
    ...(endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
          },
        }
      : {}),
  });
}

type Item = Record<string, AttributeValue>;

function toAccount(item: Item): BillingAccount {
  return {
    accountId: item.accountId?.S ?? '',
    patientId: item.patientId?.S ?? '',
    status: ACCOUNT_STATUS,
    createdAt: item.createdAt?.S ?? '',
  };
}

export class DynamoAccountRepository implements AccountRepository {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly tableName: string,
    private readonly currency = 'USD',
  ) {}

  async openOnce(
    account: BillingAccount,
    contact: BillingContact,
  ): Promise<{ account: BillingAccount; created: boolean }> {
    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            patientId: { S: account.patientId },
            accountId: { S: account.accountId },
            status: { S: account.status },
            createdAt: { S: account.createdAt },
            name: { S: contact.name },
            email: { S: contact.email },
            // The ledger starts empty in the deployment's currency; the stream turns this insert into ACCOUNT_OPENED.
            currency: { S: this.currency },
            balance: { N: '0' },
            totalCharged: { N: '0' },
            totalPaid: { N: '0' },
            totalRefunded: { N: '0' },
            ledgerVersion: { N: '0' },
            updatedAt: { S: account.createdAt },
            openedEventId: { S: randomUUID() },
          },
          ConditionExpression: 'attribute_not_exists(patientId)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { account, created: true };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const old = (error as { Item?: Item }).Item;
      const existing = old ? toAccount(old) : await this.findByPatientId(account.patientId);
      if (!existing) throw new Error('Billing account vanished after a failed create condition', { cause: error });
      return { account: existing, created: false };
    }
  }

  async findByPatientId(patientId: string): Promise<BillingAccount | undefined> {
    const { Item } = await this.dynamo.send(
      new GetItemCommand({ TableName: this.tableName, Key: { patientId: { S: patientId } }, ConsistentRead: true }),
    );
    return Item ? toAccount(Item) : undefined;
  }
}
