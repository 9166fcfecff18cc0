/**
 * The billing routes' function (functions/billing/handler.ts, through the same HTTP wrapper Lambda runs)
 * against DynamoDB Local and the real billing server: a PENDING account reads as zeros and refuses writes
 * with 409 + Retry-After until billing opens it; a billing outage answers 503 + Retry-After, and the same
 * Idempotency-Key then records the transaction once; every access is in the audit trail.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { startBillingServer, type BillingServer } from '../../../billing/src/server';
import { handler as billingHandler } from '../../../functions/billing/handler';
import { dynamoClient } from '../../../functions/commons/clients/dynamo';
import { handler as patientsHandler } from '../../../functions/patients/handler';
import { freePort } from '../../../local/ports';
import { useLocalTables } from '../../support/tables';
import { admin, apiEvent, client, validInput } from '../patients/api-events';

let tables: Awaited<ReturnType<typeof useLocalTables>>;
let billing: BillingServer | undefined;
let port = 0;
const patients = client(patientsHandler);

const startBilling = async () => {
  billing = await startBillingServer({
    port,
    tableName: tables['billing-accounts'],
    transactionsTableName: tables['billing-transactions'],
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    drainTimeoutMs: 500,
  });
};
const stopBilling = async () => {
  await billing?.stop();
  billing = undefined;
};

async function call(
  method: 'GET' | 'POST',
  patientId: string,
  suffix = '',
  options: { body?: unknown; key?: string } = {},
) {
  const base = apiEvent({
    method,
    body: options.body,
    headers: options.key ? { 'Idempotency-Key': options.key } : {},
    caller: admin,
  });
  const resource = `/api/patients/{id}/billing${suffix}`;
  const event = {
    ...base,
    resource,
    path: `/api/patients/${patientId}/billing${suffix}`,
    pathParameters: { id: patientId },
  } as APIGatewayProxyEvent;
  const result = await billingHandler(event, { awsRequestId: randomUUID() } as Context);
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}

beforeAll(async () => {
  tables = await useLocalTables();
  process.env.CURSOR_KEY = 'integration-test-cursor-key';
  port = await freePort();
  process.env.BILLING_ADDRESS = `127.0.0.1:${port}`;
});
afterAll(() => stopBilling());

it('reads a PENDING account as zeros and refuses writes with 409 + Retry-After until billing opens it', async () => {
  // Billing down at create: the patient is PENDING.
  const created = await patients({ method: 'POST', body: validInput() });
  expect(created.body.billingStatus).toBe('PENDING');
  const id = created.body.id as string;
  const pending = await call('GET', id);
  expect(pending.body).toMatchObject({ accountId: null, status: 'PENDING', currency: 'USD', balance: 0 });
  expect((await call('GET', id, '/transactions')).body).toEqual({ transactions: [], nextCursor: null });
  const refused = await call('POST', id, '/transactions', {
    body: { type: 'CHARGE', amount: 100, description: 'Visit' },
    key: 'k-1',
  });
  expect([refused.status, refused.headers['Retry-After']]).toEqual([409, '5']);

  await startBilling();
  const { completePendingBilling, billingCompletionPorts } = await import('../../../functions/patients');
  expect(await completePendingBilling(id, billingCompletionPorts())).toBe('ACTIVATED');
  const recorded = await call('POST', id, '/transactions', {
    body: { type: 'CHARGE', amount: 100, description: 'Visit' },
    key: 'k-1',
  });
  expect(recorded.status).toBe(201);
  expect((await call('GET', id)).body).toMatchObject({ status: 'ACTIVE', balance: 100, accountId: expect.any(String) });
});

it('answers 503 + Retry-After while billing is down, and the same key records the transaction once after', async () => {
  if (!billing) await startBilling();
  const id = (await patients({ method: 'POST', body: validInput() })).body.id as string;
  await stopBilling();
  const body = { type: 'CHARGE', amount: 250, description: 'Lab' };
  const down = await call('POST', id, '/transactions', { body, key: 'retry-me' });
  expect([down.status, down.headers['Retry-After'], down.headers['Content-Type']]).toEqual([
    503,
    '2',
    'application/problem+json',
  ]);
  expect((await call('GET', id)).status).toBe(503);

  await startBilling();
  const first = await call('POST', id, '/transactions', { body, key: 'retry-me' });
  const again = await call('POST', id, '/transactions', { body, key: 'retry-me' });
  expect([first.status, again.status, again.headers['Idempotent-Replayed']]).toEqual([201, 201, 'true']);
  expect(again.body).toEqual(first.body);
  expect((await call('GET', id)).body.balance).toBe(250);

  // Every access is audited against the patient, resource BILLING, with no field values.
  const { Items = [] } = await dynamoClient().send(
    new QueryCommand({
      TableName: tables.audit,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `PATIENT#${id}` },
      ConsistentRead: true,
    }),
  );
  const billingAudit = Items.filter((i) => i.resource === 'BILLING').map((i) => `${i.action}:${i.outcome}`);
  expect(billingAudit).toEqual(
    expect.arrayContaining(['CREATE:ERROR', 'READ:ERROR', 'CREATE:SUCCESS', 'CREATE:REPLAYED', 'READ:SUCCESS']),
  );
  expect(JSON.stringify(Items)).not.toContain('Lab');
});
