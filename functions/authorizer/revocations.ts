/** Is an access token revoked? One strongly consistent GetItem on `REVOKED#<jti>` in the sessions table (written by logout/reuse detection). */
import { awsJsonCall, serviceEndpoint } from './aws-json';

export async function isRevoked(jti: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const table = env.SESSIONS_TABLE;
  if (!table) throw new Error('Missing environment variable SESSIONS_TABLE');
  const result = await awsJsonCall<{ Item?: unknown }>({
    endpoint: env.DYNAMODB_ENDPOINT || serviceEndpoint('dynamodb', env),
    service: 'dynamodb', target: 'DynamoDB_20120810.GetItem', jsonVersion: '1.0',
    // Consistent: a logout must be seen by the very next request.
    body: { TableName: table, Key: { pk: { S: `REVOKED#${jti}` } }, ConsistentRead: true, ProjectionExpression: 'pk' },
  });
  return result.Item !== undefined;
}
