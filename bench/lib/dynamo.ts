/** A bare DynamoDB client for baselines, pointed at the same DynamoDB Local the system uses. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableEnvVar, tables } from '../../system/tables';

export function bareClients(endpoint: string): { client: DynamoDBClient; doc: DynamoDBDocumentClient } {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { client, doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }) };
}

/** The environment the runtime gives its functions, for handlers loaded into the bench process. */
export function functionEnvironment(dynamoEndpoint: string, extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...extra,
  });
  // The runtime creates its tables without a prefix (local/runtime.ts → ensureTables(client)).
  for (const def of Object.values(tables)) process.env[tableEnvVar(def.name)] = def.name;
}
