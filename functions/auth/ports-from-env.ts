/** Wires the auth ports from the environment: DynamoDB tables, and the key store (file locally, Secrets Manager on AWS). */
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { tokenSettings } from './domain/access-token';
import { dynamoSessionStore } from './adapters/dynamo-session-store';
import { dynamoUserRepository } from './adapters/dynamo-user-repository';
import { fileKeyStore } from './adapters/file-key-store';
import { secretKeyStore } from './adapters/secret-key-store';
import type { AuthPorts, KeyStore } from './ports';

function keyStoreFromEnv(env: NodeJS.ProcessEnv): KeyStore {
  if (env.SIGNING_KEYS_FILE) return fileKeyStore(env.SIGNING_KEYS_FILE);
  if (env.SIGNING_KEYS_SECRET_ARN) return secretKeyStore(env.SIGNING_KEYS_SECRET_ARN);
  throw new Error('Set SIGNING_KEYS_FILE (local) or SIGNING_KEYS_SECRET_ARN (AWS)');
}

let ports: AuthPorts | undefined;

export function authPorts(env: NodeJS.ProcessEnv = process.env): AuthPorts {
  ports ??= {
    users: dynamoUserRepository(dynamoClient(), tableName('users')),
    sessions: dynamoSessionStore(dynamoClient(), tableName('sessions')),
    keys: keyStoreFromEnv(env),
    settings: tokenSettings(env),
    now: Date.now,
  };
  return ports;
}
