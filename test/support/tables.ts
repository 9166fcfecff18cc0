/**
 * Gives a test file its own set of tables in the shared DynamoDB Local (a unique prefix), and points
 * the table environment variables at them, so functions under test use them unchanged.
 */
import { randomUUID } from 'node:crypto';
import { ensureTables, localDynamoClient } from '../../local/dynamo';
import { tableEnvVar, type TableName } from '../../system/tables';

export async function useLocalTables(): Promise<Record<TableName, string>> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run this test in the integration project');
  const client = localDynamoClient(endpoint);
  try {
    const names = await ensureTables(client, `t${randomUUID().slice(0, 8)}-`);
    for (const [name, tableName] of Object.entries(names)) process.env[tableEnvVar(name as TableName)] = tableName;
    return names;
  } finally {
    client.destroy();
  }
}
