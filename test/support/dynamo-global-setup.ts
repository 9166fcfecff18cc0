/**
 * Starts one in-memory DynamoDB Local for the whole integration project, on a free port.
 * Each test file creates its own tables with its own prefix (see `useLocalTables`).
 */
import { startDynamoLocal } from '../../local/dynamo';
import { freePort } from '../../local/ports';

export default async function setup(): Promise<void> {
  const port = await freePort();
  const dynamo = await startDynamoLocal({ port });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  (globalThis as { __DYNAMO__?: unknown }).__DYNAMO__ = dynamo;
}
