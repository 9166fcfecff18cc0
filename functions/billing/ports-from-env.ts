/** The composition root of the billing routes: the concrete adapters, built once per container. */
import { billingClient } from '../commons/clients/billing';
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { systemClock } from '../commons/clock';
import { auditShards } from '../patients/adapters/audit-items';
import { DynamoAuditLog } from '../patients/adapters/dynamo-audit-log';
import { DynamoPatientRepository } from '../patients/adapters/dynamo-patient-repository';
import { GrpcLedger } from './adapters/grpc-ledger';
import type { BillingPorts } from './ports';

let ports: BillingPorts | undefined;

/** The deployment's currency (BILLING_CURRENCY, as billing's own setting), USD by default. */
export const currencyOf = (env: NodeJS.ProcessEnv): string => env.BILLING_CURRENCY?.trim() || 'USD';

export function billingPorts(env: NodeJS.ProcessEnv = process.env): BillingPorts {
  if (!ports) {
    const db = dynamoClient();
    ports = {
      patients: new DynamoPatientRepository(db, tableName('patients')),
      ledger: new GrpcLedger(billingClient()),
      audit: new DynamoAuditLog(db, tableName('audit'), auditShards()),
      clock: systemClock,
      currency: currencyOf(env),
    };
  }
  return ports;
}
