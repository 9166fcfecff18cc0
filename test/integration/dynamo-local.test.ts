import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, ensureTables, localDynamoClient } from '../../local/dynamo';
import { tables } from '../../infra/definitions/tables';
import { useLocalTables } from '../support/tables';

describe('DynamoDB Local table set-up', () => {
  it('creates every defined table with its keys, indexes and stream', async () => {
    const names = await useLocalTables();
    const client = localDynamoClient(process.env.DYNAMODB_ENDPOINT!);
    for (const def of Object.values(tables)) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: names[def.name] }));
      expect(Table?.KeySchema?.[0]).toEqual({ AttributeName: def.partitionKey.name, KeyType: 'HASH' });
      expect(Table?.GlobalSecondaryIndexes?.length ?? 0).toBe(def.globalIndexes?.length ?? 0);
      expect(Boolean(Table?.StreamSpecification?.StreamEnabled)).toBe(Boolean(def.stream));
    }
    client.destroy();
  });

  it('switches on the stream of a table that a data folder from before kept without one', async () => {
    const client = localDynamoClient(process.env.DYNAMODB_ENDPOINT!);
    const prefix = `old${randomUUID().slice(0, 8)}-`;
    const old = createTableInput(tables['billing-accounts'], `${prefix}billing-accounts`);
    await client.send(new CreateTableCommand({ ...old, StreamSpecification: undefined }));
    await ensureTables(client, prefix);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: `${prefix}billing-accounts` }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    client.destroy();
  });
});
