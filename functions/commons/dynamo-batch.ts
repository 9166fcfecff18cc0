/**
 * BatchGetItem as the adapters need it: every key answered. DynamoDB may leave keys unprocessed (throttling, or
 * more than 16 MB); read as "no such item", such a key could end a login or skip a password change's cut-off, so
 * they are asked for again with back-off, and a read that never completes fails rather than answers half.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffDelay, sleep, type Backoff } from './retry';

type Item = Record<string, unknown>;

const ATTEMPTS = 10;
const BACKOFF: Backoff = { baseMs: 50, capMs: 500, jitter: 'full' };

/**
 * The items of `keys` in `table` (at most 100 keys), strongly consistent, in no particular order; with `attributes`,
 * only those (the key attributes are not added: name them when the caller tells items apart by them).
 */
export async function batchGetAll(
  db: DynamoDBDocumentClient,
  table: string,
  keys: Item[],
  attributes?: readonly string[],
): Promise<Item[]> {
  const projection = attributes && {
    ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
  };
  const found: Item[] = [];
  let pending = keys;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} key(s) of ${table} unprocessed`);
    if (attempt > 1) await sleep(backoffDelay(attempt - 1, BACKOFF));
    const result = await db.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true, ...projection } } }),
    );
    found.push(...(result.Responses?.[table] ?? []));
    pending = result.UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return found;
}
