/**
 * The access state of a token's login: one strongly consistent BatchGetItem on the sessions table for
 * the login (`FAMILY#<sid>`) and its user's access state (`ACCOUNT#<sub>`), through the SDK-free client.
 * Keys per login and per user spread every request's read over the table's partitions (why no decision
 * cache is needed for DynamoDB's sake: system/routes.ts AUTHORIZER_CACHE_TTL_SECONDS).
 */
import {
  accountKey,
  accountStateOf,
  ACCOUNT_ATTRIBUTES,
  familyKey,
  LOGIN_ATTRIBUTES,
  loginRecordOf,
} from '../auth/adapters/session-keys';
import type { AccountState, LoginRecord } from '../auth/domain/login-state';
import { awsJsonCall, serviceEndpoint } from './aws-json';

type AttributeValue = { S?: string; N?: string; BOOL?: boolean };

/** DynamoDB's typed JSON → plain values, for the few scalar attributes read here. */
function plain(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(item).map(([name, v]) => [name, v.S ?? (v.N !== undefined ? Number(v.N) : v.BOOL)]),
  );
}

export async function loginAccess(
  sid: string,
  userId: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ login?: LoginRecord; account: AccountState }> {
  const table = env.SESSIONS_TABLE;
  if (!table) throw new Error('Missing environment variable SESSIONS_TABLE');
  const keys = [familyKey(sid), accountKey(userId)];
  const result = await awsJsonCall<{
    Responses?: Record<string, Record<string, AttributeValue>[]>;
    UnprocessedKeys?: Record<string, unknown>;
  }>({
    endpoint: env.DYNAMODB_ENDPOINT || serviceEndpoint('dynamodb', env),
    service: 'dynamodb',
    target: 'DynamoDB_20120810.BatchGetItem',
    jsonVersion: '1.0',
    // Consistent: a logout or a password change must be seen by the very next request.
    body: {
      RequestItems: {
        [table]: {
          Keys: keys.map((k) => ({ pk: { S: k.pk } })),
          ConsistentRead: true,
          ProjectionExpression: ['pk', ...LOGIN_ATTRIBUTES, ...ACCOUNT_ATTRIBUTES].join(', '),
        },
      },
    },
  });
  // Unprocessed keys (throttling) must not read as "no such login": fail as an outage instead.
  if (result.UnprocessedKeys && Object.keys(result.UnprocessedKeys).length > 0)
    throw new Error('Sessions table throttled the access check');
  const items = (result.Responses?.[table] ?? []).map(plain);
  const login = loginRecordOf(items.find((i) => i.pk === keys[0]!.pk));
  return { ...(login ? { login } : {}), account: accountStateOf(items.find((i) => i.pk === keys[1]!.pk)) };
}
