/**
 * Wires the auth ports from the environment: DynamoDB tables, the key store (file locally, Secrets
 * Manager on AWS) and the mailer (the local mailbox file, or Amazon SES from MAIL_FROM).
 */
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { randomIds, systemClock } from '../commons/clock';
import { tokenSettings } from './domain/access-token';
import { limitHashing } from './domain/password';
import { DynamoSessionStore } from './adapters/dynamo-session-store';
import { DynamoUserRepository } from './adapters/dynamo-user-repository';
import { DynamoVerificationCodes } from './adapters/dynamo-verification-codes';
import { FileKeyStore } from './adapters/file-key-store';
import { FileMailbox } from './adapters/file-mailbox';
import { SecretKeyStore } from './adapters/secret-key-store';
import { SesMailer } from './adapters/ses-mailer';
import type { AuthPorts, KeyStore, Mailer } from './ports';

function keyStoreFromEnv(env: NodeJS.ProcessEnv): KeyStore {
  if (env.SIGNING_KEYS_FILE) return new FileKeyStore(env.SIGNING_KEYS_FILE);
  if (env.SIGNING_KEYS_SECRET_ARN) return new SecretKeyStore(env.SIGNING_KEYS_SECRET_ARN);
  throw new Error('Set SIGNING_KEYS_FILE (local) or SIGNING_KEYS_SECRET_ARN (AWS)');
}

function mailerFromEnv(env: NodeJS.ProcessEnv): Mailer {
  if (env.MAILBOX_FILE) return new FileMailbox(env.MAILBOX_FILE);
  if (env.MAIL_FROM) return new SesMailer(env.MAIL_FROM);
  throw new Error('Set MAILBOX_FILE (local) or MAIL_FROM (AWS, an SES-verified sender)');
}

let ports: AuthPorts | undefined;

export function authPorts(env: NodeJS.ProcessEnv = process.env): AuthPorts {
  if (!ports) {
    const db = dynamoClient();
    const tables = { users: tableName('users'), sessions: tableName('sessions') };
    if (env.HASH_CONCURRENCY) limitHashing({ concurrency: Number(env.HASH_CONCURRENCY) });
    ports = {
      users: new DynamoUserRepository(db, tables),
      sessions: new DynamoSessionStore(db, tables.sessions),
      verificationCodes: new DynamoVerificationCodes(db, tables),
      mailer: mailerFromEnv(env),
      keys: keyStoreFromEnv(env),
      settings: tokenSettings(env),
      clock: systemClock,
      newId: randomIds,
    };
  }
  return ports;
}
