/**
 * The append-only audit trail on the `audit` table. Each record is written as up to three copies in one
 * transaction, one per question an auditor asks (see ../README.md):
 *   DAY#<yyyy-mm-dd>   every access that day            USER#<userId>   everything one user did
 *   PATIENT#<id>       every access to one patient (reads and writes of that record)
 * Sort key `<time>#<auditId>`. Conditional puts never overwrite, and the function's IAM policy grants
 * PutItem only, so a record cannot be changed or removed. No field values are stored: ids and outcomes only.
 */
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditLog } from '../ports';

export class DynamoAuditLog implements AuditLog {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async append(entry: AuditEntry): Promise<void> {
    const auditId = randomUUID();
    const sk = `${entry.at}#${auditId}`;
    const record = {
      auditId, at: entry.at, action: entry.action, outcome: entry.outcome, userId: entry.userId, role: entry.role,
      requestId: entry.requestId,
      ...(entry.resource ? { resource: entry.resource } : {}),
      ...(entry.patientId ? { patientId: entry.patientId } : {}),
      ...(entry.patientIds ? { patientIds: entry.patientIds, resultCount: entry.patientIds.length } : {}),
    };
    const partitions = [`DAY#${entry.at.slice(0, 10)}`, `USER#${entry.userId}`, ...(entry.patientId ? [`PATIENT#${entry.patientId}`] : [])];
    await this.db.send(new TransactWriteCommand({
      TransactItems: partitions.map((pk) => ({
        Put: { TableName: this.table, Item: { pk, sk, ...record }, ConditionExpression: 'attribute_not_exists(pk)' },
      })),
    }));
  }
}
