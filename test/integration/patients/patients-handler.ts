/**
 * The patients function's real handler for one test file: its own tables in the shared DynamoDB Local and
 * the real billing server on a free port, set up before the file's tests and stopped after them.
 */
import { startBillingServer, type BillingServer } from '../../../billing/src/server';
import { freePort } from '../../../local/ports';
import type { TableName } from '../../../system/tables';
import { useLocalTables } from '../../support/tables';
import { client, type RequestInput, type TestResponse } from './api-events';

export function usePatientsHandler(): {
  call: (input: RequestInput) => Promise<TestResponse>;
  tables: () => Record<TableName, string>;
} {
  let call: ReturnType<typeof client>;
  let tables: Record<TableName, string>;
  let billing: BillingServer;
  beforeAll(async () => {
    tables = await useLocalTables();
    process.env.CURSOR_KEY = 'integration-test-cursor-key';
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    billing = await startBillingServer({
      port: await freePort(),
      tableName: tables['billing-accounts'],
      transactionsTableName: tables['billing-transactions'],
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    });
    process.env.BILLING_ADDRESS = `127.0.0.1:${billing.port}`;
    const { handler } = await import('../../../functions/patients/handler');
    call = client(handler);
  });
  afterAll(async () => {
    const { billingClient } = await import('../../../functions/commons/clients/billing');
    billingClient().close();
    await billing.stop();
  });
  return { call: (input) => call(input), tables: () => tables };
}
