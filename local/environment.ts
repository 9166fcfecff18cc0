/**
 * Each function's environment on this machine, built from its definition (system/functions.ts) as on AWS:
 * what every function gets, its tables' names, and what each of its settings is here. A function reading a
 * variable its definition does not name finds it unset, locally as on AWS.
 */
import { join } from 'node:path';
import { CORS_ORIGINS_VARIABLE } from '../system/cors';
import { settingsEnvironment, type FunctionDefinition, type SettingValues } from '../system/functions';
import { TOKEN_CHECK_VARIABLE } from '../system/routes';
import { tableEnvVar, type TableName } from '../system/tables';
import { JWT_CLAIMS } from '../system/tokens';
import type { Component } from './ports';

export interface LocalResources {
  dynamoEndpoint: string;
  tableNames: Record<TableName, string>;
  ports: Record<Component, number>;
  keys: { signingKeysFile: string; publicJwksFile: string; cursorKey: string };
  dataDir: string;
  corsOrigins: string;
}

/** The local stand-ins' addresses and this process's credentials: what Lambda's own environment holds on AWS. */
function baseEnvironment(resources: LocalResources, definition: FunctionDefinition): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: resources.dynamoEndpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'local',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: definition.name,
    POWERTOOLS_METRICS_NAMESPACE: 'PatientManagement',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    LOCAL_RUNTIME: 'true', // the OpenAPI document then describes the local pages too
    ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
  };
}

/** What each setting is here. */
export function localSettings(resources: LocalResources): SettingValues {
  const { ports, keys } = resources;
  return {
    jwt: { ...JWT_CLAIMS },
    signingKeys: { SIGNING_KEYS_FILE: keys.signingKeysFile },
    publicJwks: { PUBLIC_JWKS_FILE: keys.publicJwksFile },
    // Mail the system would send (verification codes) lands here; GET /_local/mailbox serves it.
    mail: { MAILBOX_FILE: join(resources.dataDir, 'mailbox.jsonl') },
    cursorKey: { CURSOR_KEY: keys.cursorKey }, // this data folder's own (keys/cursor-key), unless CURSOR_KEY is set
    // Fewer patient shards than a deployment's (32 and 64): every page queries every shard, which costs one
    // machine's DynamoDB Local far more than AWS, and the merging is the same for any count. AUDIT_SHARDS
    // unset: audit-items.ts's default.
    writeShards: {
      ...(process.env.AUDIT_SHARDS ? { AUDIT_SHARDS: process.env.AUDIT_SHARDS } : {}),
      PATIENT_LIST_SHARDS: process.env.PATIENT_LIST_SHARDS ?? '4',
      PATIENT_SEARCH_SHARDS: process.env.PATIENT_SEARCH_SHARDS ?? '8',
    },
    billing: { BILLING_ADDRESS: `127.0.0.1:${ports.billing}` },
    kafka: { KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`, KAFKA_AUTH: 'none' },
    tokenCheck: { [TOKEN_CHECK_VARIABLE]: 'true' },
    cors: { [CORS_ORIGINS_VARIABLE]: resources.corsOrigins },
  };
}

export function functionEnvironment(definition: FunctionDefinition, resources: LocalResources): Record<string, string> {
  const settings = localSettings(resources);
  const tables = Object.fromEntries(
    Object.keys(definition.tables).map((t) => [tableEnvVar(t as TableName), resources.tableNames[t as TableName]]),
  );
  return {
    ...baseEnvironment(resources, definition),
    ...tables,
    ...settingsEnvironment(definition, (s) => settings[s]),
  };
}

/**
 * The union of every function's environment, for what runs in the runtime's own process with function code:
 * the demo seed, and the billing server (which reads its tables' names and its port from the same names).
 */
export function sharedEnvironment(
  definitions: FunctionDefinition[],
  resources: LocalResources,
): Record<string, string> {
  const all = Object.fromEntries(definitions.flatMap((d) => Object.entries(functionEnvironment(d, resources))));
  for (const name of Object.keys(resources.tableNames) as TableName[])
    all[tableEnvVar(name)] = resources.tableNames[name];
  return { ...all, BILLING_PORT: String(resources.ports.billing), BILLING_HOST: '127.0.0.1' };
}
