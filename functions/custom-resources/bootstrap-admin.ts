/**
 * The first admin on AWS (there is no demo admin there): a CloudFormation custom resource (CDK
 * Provider onEvent) that reads `{"email","password"}` from the Secrets Manager secret named by the
 * `SecretId` property (generated at deploy time; the operator reads it once and changes the password)
 * and creates that admin if absent. Idempotent; Delete removes nothing (users outlive the stack's
 * bootstrap). Needs USERS_TABLE and SESSIONS_TABLE (RW: the user and its access state) and
 * secretsmanager:GetSecretValue on that secret only.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { randomIds, systemClock } from '../commons/clock';
import { DynamoUserRepository } from '../auth/adapters/dynamo-user-repository';
import { ensureAdmin } from '../auth/use-cases/ensure-admin';

const secrets = new SecretsManagerClient({});

export async function handler(
  event: CloudFormationCustomResourceEvent,
): Promise<{ PhysicalResourceId: string; Data?: { Created: string } }> {
  const physicalId = event.RequestType === 'Create' ? 'first-admin' : event.PhysicalResourceId;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalId };
  const { SecretId } = event.ResourceProperties as unknown as { SecretId: string };
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId }));
  const { email, password } = JSON.parse(SecretString ?? '{}') as { email?: unknown; password?: unknown };
  if (typeof email !== 'string' || typeof password !== 'string' || password.length < 12) {
    throw new Error(
      'The admin bootstrap secret must hold {"email", "password"} with a password of at least 12 characters',
    );
  }
  // No signing key is needed to create a user.
  const users = new DynamoUserRepository(dynamoClient(), {
    users: tableName('users'),
    sessions: tableName('sessions'),
  });
  const created = await ensureAdmin({ users, clock: systemClock, newId: randomIds }, email, password);
  return { PhysicalResourceId: physicalId, Data: { Created: String(created) } };
}
