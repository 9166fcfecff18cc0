/**
 * The billing routes with in-memory ports: role and own-record rules, the audit record of every outcome,
 * PENDING accounts, and billing's refusals (gRPC statuses and trailers) as the API's answers.
 */
import { Metadata, status } from '@grpc/grpc-js';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { GrpcLedger, type LedgerClient } from '../../../functions/billing/adapters/grpc-ledger';
import { route } from '../../../functions/billing/handler';
import type { BillingPorts, LedgerPort } from '../../../functions/billing/ports';
import type { AuditRecord } from '../../../functions/patients/ports';
import type { PatientRecord } from '../../../functions/patients/domain/patient';
import type { Role } from '../../../functions/commons/roles';

const ID = '3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60';
const patient = (over: Partial<PatientRecord> = {}): PatientRecord => ({
  id: ID,
  firstName: 'Ada',
  lastName: 'L',
  email: 'ada@x.test',
  dateOfBirth: '1990-01-01',
  address: { street: 's', city: 'c', state: 'CA', zipCode: '1' },
  registeredDate: '2026-01-01',
  billingAccountId: 'a-1',
  billingStatus: 'ACTIVE',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});
const unreachable = () => {
  throw new Error('must not be called');
};

function ports(
  record: PatientRecord | undefined,
  ledger: Partial<LedgerPort> = {},
  audit: AuditRecord[] = [],
): BillingPorts {
  return {
    patients: { get: async () => record },
    ledger:
      ledger instanceof GrpcLedger
        ? ledger
        : { account: unreachable, record: unreachable, transaction: unreachable, page: unreachable, ...ledger },
    audit: {
      append: async (entry) => {
        audit.push(entry);
      },
    },
    clock: { now: () => new Date('2026-02-01T00:00:00.000Z') },
    currency: 'USD',
  };
}

function event(
  method: string,
  resource: string,
  role: Role,
  options: { body?: unknown; key?: string; email?: string } = {},
): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    resource,
    path: resource,
    pathParameters: { id: ID, transactionId: ID },
    queryStringParameters: null,
    headers: options.key ? { 'Idempotency-Key': options.key } : {},
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'r-1',
      authorizer: { userId: 'u-1', email: options.email ?? 'someone@x.test', role, emailVerified: 'true' },
    },
  } as unknown as APIGatewayProxyEvent;
}

const POST = '/api/patients/{id}/billing/transactions';
const ACCOUNT = '/api/patients/{id}/billing';
const body = { type: 'CHARGE', amount: 100, description: 'Visit' };

it("refuses a patient's POST with 403 before reading the body or the key, audited DENIED", async () => {
  const audit: AuditRecord[] = [];
  const response = await route(ports(patient(), {}, audit), event('POST', POST, 'patient', { body: 'not json' }), {
    awsRequestId: 'x',
  }).catch((e) => e);
  expect(response.status).toBe(403);
  expect(audit).toEqual([
    expect.objectContaining({ action: 'CREATE', outcome: 'DENIED', resource: 'BILLING', patientId: ID }),
  ]);
});

it("hides another patient's account behind 404, audited DENIED, and shows the own one", async () => {
  const audit: AuditRecord[] = [];
  const account = async () => ({
    accountId: 'a-1',
    currency: 'USD',
    balance: 5,
    totalCharged: 5,
    totalPaid: 0,
    totalRefunded: 0,
    updatedAt: '2026-01-02T00:00:00.000Z',
  });
  const other = await route(ports(patient(), { account }, audit), event('GET', ACCOUNT, 'patient'), {
    awsRequestId: 'x',
  }).catch((e) => e);
  expect(other.status).toBe(404);
  expect(audit[0]).toMatchObject({ action: 'READ', outcome: 'DENIED', resource: 'BILLING' });
  const own = await route(ports(patient(), { account }), event('GET', ACCOUNT, 'patient', { email: 'ADA@x.test' }), {
    awsRequestId: 'x',
  });
  expect(JSON.parse(own.body)).toMatchObject({ accountId: 'a-1', patientId: ID, status: 'ACTIVE', balance: 5 });
});

it("reads a PENDING account as zeros in the deployment's currency without asking billing, and answers a POST 409 with Retry-After", async () => {
  const pending = patient({ billingStatus: 'PENDING', billingAccountId: null });
  const read = await route(ports(pending), event('GET', ACCOUNT, 'clinician'), { awsRequestId: 'x' });
  expect(JSON.parse(read.body)).toEqual({
    accountId: null,
    patientId: ID,
    status: 'PENDING',
    currency: 'USD',
    balance: 0,
    totalCharged: 0,
    totalPaid: 0,
    totalRefunded: 0,
    updatedAt: pending.createdAt,
  });
  const write = await route(ports(pending), event('POST', POST, 'admin', { body, key: 'k' }), {
    awsRequestId: 'x',
  }).catch((e) => e);
  expect([write.status, write.headers['Retry-After']]).toEqual([409, '5']);
});

it('needs an Idempotency-Key on POST (400 naming it)', async () => {
  const response = await route(ports(patient()), event('POST', POST, 'admin', { body }), { awsRequestId: 'x' }).catch(
    (e) => e,
  );
  expect(response.status).toBe(400);
  expect(response.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
});

describe("billing's refusals through the gRPC adapter", () => {
  const failing = (code: status, trailers: Record<string, string> = {}, details = 'x'): LedgerClient => {
    const metadata = new Metadata();
    for (const [k, v] of Object.entries(trailers)) metadata.set(k, v);
    const error = Object.assign(new Error(details), { code, details, metadata });
    return {
      getBillingAccount: () => Promise.reject(error),
      recordTransaction: () => Promise.reject(error),
      getTransaction: () => Promise.reject(error),
      listTransactions: () => Promise.reject(error),
    };
  };
  const post = (client: LedgerClient) =>
    route(ports(patient(), new GrpcLedger(client)), event('POST', POST, 'admin', { body, key: 'k' }), {
      awsRequestId: 'x',
    }).catch((e) => e);

  it.each([
    [status.INVALID_ARGUMENT, { 'billing-field': 'currency' }, 400, 'currency'],
    [status.INVALID_ARGUMENT, { 'billing-field': 'idempotencyKey' }, 400, 'Idempotency-Key'],
    [status.FAILED_PRECONDITION, { 'billing-reason': 'REFUND_EXCEEDS_PAID' }, 422, undefined],
    [status.ALREADY_EXISTS, { 'billing-reason': 'IDEMPOTENCY_KEY_REUSED' }, 422, undefined],
    [status.NOT_FOUND, {}, 409, undefined],
    [status.UNAVAILABLE, {}, 503, undefined],
    [status.DEADLINE_EXCEEDED, {}, 503, undefined],
    [status.ABORTED, {}, 503, undefined],
  ])('gRPC %s %j → %s', async (code, trailers, expected, field) => {
    const response = await post(failing(code, trailers, field ? `${Object.values(trailers)[0]}: must be right` : 'x'));
    expect(response.status).toBe(expected);
    if (field) expect(response.errors).toEqual([{ field, message: 'Must be right' }]);
    if (expected === 503) expect(response.headers['Retry-After']).toBe('2');
  });

  it('lets an unexpected failure through (the HTTP wrapper answers 500 and logs its kind)', async () => {
    await expect(
      route(ports(patient(), new GrpcLedger(failing(status.INTERNAL))), event('GET', ACCOUNT, 'admin'), {
        awsRequestId: 'x',
      }),
    ).rejects.toMatchObject({ code: status.INTERNAL });
  });
});
