/**
 * Idempotency-Key records on the `idempotency` table (partition key `id`, TTL attribute `expiration`):
 * a conditional put claims a key for a body fingerprint; a second request with the key reads the claim
 * back from the failed condition (ReturnValuesOnConditionCheckFailure) in the same round trip.
 * Keys are scoped per caller and hashed, so one user's key never collides with another's. A claim left
 * IN_PROGRESS by a crashed invocation may be taken over (same fingerprint) after IN_PROGRESS_SECONDS.
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isConditionalCheckFailure } from '../../commons/dynamo-errors';
import type { PatientRecord } from '../domain/patient';
import type { Clock, IdempotencyBegin, IdempotencyStore } from '../ports';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const IN_PROGRESS_SECONDS = 60;

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async begin(key: string, fingerprint: string): Promise<IdempotencyBegin> {
    const id = recordId(key);
    const now = Math.floor(this.clock.now().getTime() / 1000);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            id,
            status: 'IN_PROGRESS',
            fingerprint,
            expiration: now + IDEMPOTENCY_TTL_SECONDS,
            inProgressExpiry: now + IN_PROGRESS_SECONDS,
          },
          // TTL deletes lazily: an expired record counts as absent.
          ConditionExpression:
            'attribute_not_exists(id) OR expiration < :now OR (#status = :inProgress AND inProgressExpiry < :now AND fingerprint = :fp)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': now, ':inProgress': 'IN_PROGRESS', ':fp': fingerprint },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'new' };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const existing = error.Item ? unmarshall(error.Item) : undefined;
      if (!existing) return { kind: 'in-progress' };
      if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (existing.status === 'COMPLETED' && existing.result)
        return { kind: 'replay', patient: existing.result as PatientRecord };
      return { kind: 'in-progress' };
    }
  }

  async complete(key: string, patient: PatientRecord): Promise<void> {
    const id = recordId(key);
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        UpdateExpression: 'SET #status = :completed, #result = :result REMOVE inProgressExpiry',
        ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
        ExpressionAttributeValues: { ':completed': 'COMPLETED', ':result': patient },
      }),
    );
  }

  async release(key: string): Promise<void> {
    const id = recordId(key);
    await this.db
      .send(
        new DeleteCommand({
          TableName: this.table,
          Key: { id },
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS' },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionalCheckFailure(error)) throw error;
      });
  }
}

/** The stored id of a (caller-scoped) key: hashed, so neither the raw key nor the user id is stored as a key. */
export function recordId(key: string): string {
  return `patients#create#${createHash('sha256').update(key).digest('base64url')}`;
}
