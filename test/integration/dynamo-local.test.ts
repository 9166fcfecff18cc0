import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, ensureTables, localDynamoClient, startDynamoLocal } from '../../local/dynamo';
import { freePort } from '../../local/ports';
import { tables } from '../../system/tables';
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

  // Its own DynamoDB Local, as npm start has: the shared one holds every test file's tables, and DynamoDB
  // Local leaves an index CREATING for minutes once it holds a few dozen tables.
  it('adds the indexes a table from an older data folder lacks, indexing the items it already holds', async () => {
    const prefix = `old${randomUUID().slice(0, 6)}-`;
    const dynamo = await startDynamoLocal({ port: await freePort() });
    const client = localDynamoClient(dynamo.endpoint);
    try {
      const { globalIndexes: _none, ...older } = tables.audit;
      await client.send(new CreateTableCommand(createTableInput(older, `${prefix}audit`)));
      await client.send(
        new PutItemCommand({
          TableName: `${prefix}audit`,
          Item: { pk: { S: 'ENTRY#1' }, sk: { S: '2026-01-01T00:00:00.000Z#1' }, actorPk: { S: 'ACTOR#u' } },
        }),
      );
      await ensureTables(client, prefix);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: `${prefix}audit` }));
      expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus]).sort()).toEqual([
        ['actor', 'ACTIVE'],
        ['recent', 'ACTIVE'],
      ]);
      const { Items } = await client.send(
        new QueryCommand({
          TableName: `${prefix}audit`,
          IndexName: 'actor',
          KeyConditionExpression: 'actorPk = :a',
          ExpressionAttributeValues: { ':a': { S: 'ACTOR#u' } },
        }),
      );
      expect(Items?.map((i) => i.pk?.S)).toEqual(['ENTRY#1']);
      await ensureTables(client, prefix); // nothing left to add: a no-op
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  });
});
