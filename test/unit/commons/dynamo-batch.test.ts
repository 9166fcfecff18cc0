/**
 * batchGetAll against a stand-in for the document client: DynamoDB Local never leaves keys unprocessed, so the
 * throttled answers are scripted here. The adapters that use it are tested against DynamoDB Local.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../../functions/commons/dynamo-batch';

type Key = { pk: string };
interface Request {
  Keys: Key[];
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}
interface Answer {
  found: Key[];
  unprocessed: Key[];
}

/** A client whose BatchGetItem answers come from `script`, one per call; records the keys each call asked for. */
function scripted(script: (keys: Key[], call: number) => Answer) {
  const asked: Key[][] = [];
  const requests: Request[] = [];
  const db = {
    send: (command: { input: { RequestItems: Record<string, Request> } }) => {
      const request = command.input.RequestItems.sessions!;
      expect(request.ConsistentRead).toBe(true);
      requests.push(request);
      asked.push(request.Keys);
      const { found, unprocessed } = script(request.Keys, asked.length);
      return Promise.resolve({
        Responses: { sessions: found.map((k) => ({ ...k, value: `item ${k.pk}` })) },
        ...(unprocessed.length ? { UnprocessedKeys: { sessions: { Keys: unprocessed } } } : {}),
      });
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, asked, requests };
}

const keys = [{ pk: 'A' }, { pk: 'B' }, { pk: 'C' }];

afterEach(() => jest.useRealTimers());

it('asks again for the keys DynamoDB left unprocessed, and only for them', async () => {
  const { db, asked } = scripted((wanted, call) =>
    call === 1 ? { found: [wanted[0]!], unprocessed: wanted.slice(1) } : { found: wanted, unprocessed: [] },
  );
  const items = await batchGetAll(db, 'sessions', keys);
  expect(items.map((i) => i.pk).sort()).toEqual(['A', 'B', 'C']);
  expect(asked).toEqual([keys, [{ pk: 'B' }, { pk: 'C' }]]);
});

it('answers without the keys that do not exist (found, not unprocessed)', async () => {
  const { db, asked } = scripted(() => ({ found: [{ pk: 'B' }], unprocessed: [] }));
  expect(await batchGetAll(db, 'sessions', keys)).toEqual([{ pk: 'B', value: 'item B' }]);
  expect(asked).toHaveLength(1);
});

it('reads only the attributes asked for, each by a placeholder (no name can clash with a reserved word)', async () => {
  const { db, requests } = scripted((wanted) => ({ found: wanted, unprocessed: [] }));
  await batchGetAll(db, 'sessions', keys, ['pk', 'used']);
  expect(requests[0]).toMatchObject({
    ProjectionExpression: '#a0, #a1',
    ExpressionAttributeNames: { '#a0': 'pk', '#a1': 'used' },
  });
  await batchGetAll(db, 'sessions', keys);
  expect(requests[1]!.ProjectionExpression).toBeUndefined();
});

it('fails rather than answer half when keys stay unprocessed', async () => {
  jest.useFakeTimers();
  const { db, asked } = scripted((wanted) => ({ found: [], unprocessed: wanted }));
  const read = batchGetAll(db, 'sessions', keys);
  const outcome = expect(read).rejects.toThrow('BatchGetItem left 3 key(s) of sessions unprocessed');
  await jest.runAllTimersAsync();
  await outcome;
  expect(asked).toHaveLength(10);
});
