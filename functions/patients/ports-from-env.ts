/** The composition root: concrete adapters for the ports, from the environment. One set per container. */
import { billingClient } from '../commons/clients/billing';
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { randomIds, systemClock } from '../commons/clock';
import { GrpcBillingPort } from './adapters/billing-port';
import { cursorKeyMaterial } from './adapters/cursor-key';
import { auditShards } from './adapters/audit-items';
import { DynamoAuditLog } from './adapters/dynamo-audit-log';
import { DynamoIdempotencyStore } from './adapters/dynamo-idempotency-store';
import { DynamoPatientRepository } from './adapters/dynamo-patient-repository';
import { EncryptedCursorCodec } from './adapters/encrypted-cursor-codec';
import type { PatientPorts } from './ports';

let ports: PatientPorts | undefined;
let completionPorts: Pick<PatientPorts, 'patients' | 'billing'> | undefined;

export function patientPorts(): PatientPorts {
  if (!ports) {
    const db = dynamoClient();
    // 2.5 s for the whole call, 2 s per attempt; only UNAVAILABLE (fast, nothing reached billing) is retried.
    const billing = billingClient();
    ports = {
      patients: new DynamoPatientRepository(db, tableName('patients')),
      audit: new DynamoAuditLog(db, tableName('audit'), auditShards()),
      idempotency: new DynamoIdempotencyStore(db, tableName('idempotency'), systemClock),
      billing: new GrpcBillingPort(billing),
      cursors: new EncryptedCursorCodec(() => cursorKeyMaterial()),
      clock: systemClock,
      newId: randomIds,
    };
  }
  return ports;
}

/**
 * What completePendingBilling needs, for the stream's pending-billing reader:
 * `completePendingBilling(patientId, billingCompletionPorts())`.
 */
export function billingCompletionPorts(): Pick<PatientPorts, 'patients' | 'billing'> {
  // Only what completion needs: pending billing has the patients table and billing, nothing else.
  completionPorts ??= {
    patients: new DynamoPatientRepository(dynamoClient(), tableName('patients')),
    billing: new GrpcBillingPort(billingClient()),
  };
  return completionPorts;
}
