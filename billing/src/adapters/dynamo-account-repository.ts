/**
 * Billing accounts in DynamoDB, one item per patient (partition key patientId). Opening is a single
 * conditional PutItem: concurrent requests for one patient race on the condition, exactly one wins,
 * and the losers get the winner's item back from the failed condition itself (no second read).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AccountRepository } from '../domain/account-repository';
import { ACCOUNT_STATUS, type BillingAccount, type BillingContact } from '../domain/billing-account';

export function billingDynamoClient(endpoint?: string): DynamoDBDocumentClient {
  const base = new DynamoDBClient({
    // Bounded waits: a slow table must surface as an error well inside the caller's 2 s deadline budget.
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
    ...(endpoint
      ? { endpoint, region: process.env.AWS_REGION ?? 'local', credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' } }
      : {}),
  });
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
}

function toAccount(item: Record<string, unknown>): BillingAccount {
  return {
    accountId: String(item.accountId),
    patientId: String(item.patientId),
    status: ACCOUNT_STATUS,
    createdAt: String(item.createdAt ?? ''),
  };
}

export class DynamoAccountRepository implements AccountRepository {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async openOnce(account: BillingAccount, contact: BillingContact): Promise<{ account: BillingAccount; created: boolean }> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tableName,
        Item: { ...account, name: contact.name, email: contact.email },
        ConditionExpression: 'attribute_not_exists(patientId)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return { account, created: true };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      // The document client does not unmarshall the item carried by the exception.
      const old = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
      const existing = old ? toAccount(unmarshall(old)) : await this.findByPatientId(account.patientId);
      if (!existing) throw new Error('Billing account vanished after a failed create condition', { cause: error });
      return { account: existing, created: false };
    }
  }

  async findByPatientId(patientId: string): Promise<BillingAccount | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { patientId }, ConsistentRead: true }));
    return Item ? toAccount(Item) : undefined;
  }
}
