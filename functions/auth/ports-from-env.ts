/**
 * Wires the auth ports from the environment: DynamoDB tables, the key store (file locally, Secrets
 * Manager on AWS) and the mailer (the local mailbox file, or Amazon SES from MAIL_FROM).
 */
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { randomIds, systemClock } from '../commons/clock';
import { tokenSettings } from './domain/access-token';
import { limitHashing } from './domain/password';
import { dynamoSessionStore } from './adapters/dynamo-session-store';
import { dynamoUserRepository } from './adapters/dynamo-user-repository';
import { dynamoVerificationCodes } from './adapters/dynamo-verification-codes';
import { fileKeyStore } from './adapters/file-key-store';
import { fileMailbox } from './adapters/file-mailbox';
import { secretKeyStore } from './adapters/secret-key-store';
import { sesMailer } from './adapters/ses-mailer';
import type { AuthPorts, KeyStore, Mailer } from './ports';

function keyStoreFromEnv(env: NodeJS.ProcessEnv): KeyStore {
  if (env.SIGNING_KEYS_FILE) return fileKeyStore(env.SIGNING_KEYS_FILE);
  if (env.SIGNING_KEYS_SECRET_ARN) return secretKeyStore(env.SIGNING_KEYS_SECRET_ARN);
  throw new Error('Set SIGNING_KEYS_FILE (local) or SIGNING_KEYS_SECRET_ARN (AWS)');
}

function mailerFromEnv(env: NodeJS.ProcessEnv): Mailer {
  if (env.MAILBOX_FILE) return fileMailbox(env.MAILBOX_FILE);
  if (env.MAIL_FROM) return sesMailer(env.MAIL_FROM);
  throw new Error('Set MAILBOX_FILE (local) or MAIL_FROM (AWS, an SES-verified sender)');
}

let ports: AuthPorts | undefined;

export function authPorts(env: NodeJS.ProcessEnv = process.env): AuthPorts {
  if (!ports) {
    const db = dynamoClient();
    const tables = { users: tableName('users'), sessions: tableName('sessions') };
    if (env.HASH_CONCURRENCY) limitHashing({ concurrency: Number(env.HASH_CONCURRENCY) });
    ports = {
      users: dynamoUserRepository(db, tables),
      sessions: dynamoSessionStore(db, tables.sessions),
      verificationCodes: dynamoVerificationCodes(db, tables),
      mailer: mailerFromEnv(env),
      keys: keyStoreFromEnv(env),
      settings: tokenSettings(env),
      clock: systemClock,
      newId: randomIds,
    };
  }
  return ports;
}
