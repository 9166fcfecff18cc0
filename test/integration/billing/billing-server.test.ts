/**
 * The billing server against DynamoDB Local, called through the ORIGINAL system's proto text
 * (no package: /BillingService/CreateBillingAccount) and through the generated clients.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { credentials, makeGenericClientConstructor, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { HealthCheckResponse_ServingStatus } from '../../../proto/gen/grpc/health/v1/health';
import { originalClient, rejectionOf, startTestServer, typedClients } from './support';
import { LIMITS } from '../../../billing/src/domain/billing-account';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: Awaited<ReturnType<typeof startTestServer>>;
let original: ReturnType<typeof originalClient>;
let typed: ReturnType<typeof typedClients>;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  server = await startTestServer();
  original = originalClient(server.address);
  typed = typedClients(server.address);
  dynamo = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  original?.close();
  typed?.close();
  dynamo?.destroy();
  await server?.stop();
});

const patient = () => ({ patientId: randomUUID(), name: 'Ada Lovelace', email: 'ada@example.test' });

async function itemsOf(patientId: string) {
  const { Items = [] } = await dynamo.send(
    new ScanCommand({
      TableName: server.tableName,
      ConsistentRead: true,
      FilterExpression: 'patientId = :p',
      ExpressionAttributeValues: { ':p': { S: patientId } },
    }),
  );
  return Items;
}

describe('CreateBillingAccount through the original proto', () => {
  it('is served at /BillingService/CreateBillingAccount and opens an ACTIVE account', async () => {
    expect(original.path).toBe('/BillingService/CreateBillingAccount');
    const request = patient();
    const reply = await original.create(request);
    expect(reply.status).toBe('ACTIVE');
    expect(reply.accountId).toMatch(UUID);
    const items = await itemsOf(request.patientId);
    expect(items).toHaveLength(1);
    expect(items[0]!.accountId).toEqual({ S: reply.accountId });
  });

  it('gives the same account to the same patient twice, even with another name and email, and keeps the first contact', async () => {
    const request = patient();
    const first = await original.create(request);
    // Documented in proto/billing_service.proto: idempotent per patientId, whatever name and email come with it
    // (the pending-billing path may open the account after the patient's name changed).
    const second = await original.create({ ...request, name: 'Another Name', email: 'another@example.test' });
    expect(second).toEqual(first);
    const items = await itemsOf(request.patientId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ name: { S: request.name }, email: { S: request.email } });
  });

  it('opens exactly one account for 10 parallel calls for one patient, and all callers get its id', async () => {
    const request = patient();
    const replies = await Promise.all(Array.from({ length: 10 }, () => original.create(request)));
    const ids = new Set(replies.map((reply) => reply.accountId));
    expect(ids.size).toBe(1);
    expect(replies.every((reply) => reply.status === 'ACTIVE')).toBe(true);
    const items = await itemsOf(request.patientId);
    expect(items).toHaveLength(1);
    expect(items[0]!.accountId).toEqual({ S: [...ids][0] });
  });

  it('gives different patients different accounts', async () => {
    const [a, b] = await Promise.all([original.create(patient()), original.create(patient())]);
    expect(a.accountId).not.toBe(b.accountId);
  });
});

describe('bad input', () => {
  it.each([
    ['an empty patientId', { patientId: '', name: 'A', email: 'a@example.test' }],
    ['a blank patientId', { patientId: '   ', name: 'A', email: 'a@example.test' }],
    ['an over-long patientId', { patientId: 'p'.repeat(129), name: 'A', email: 'a@example.test' }],
    ['an over-long name', { patientId: randomUUID(), name: 'n'.repeat(LIMITS.name + 1), email: 'a@example.test' }],
    ['an over-long email', { patientId: randomUUID(), name: 'A', email: `${'e'.repeat(320)}@example.test` }],
    ['control characters in the patientId', { patientId: 'abc\u0000def', name: 'A', email: 'a@example.test' }],
    ['an empty name', { patientId: randomUUID(), name: '', email: 'a@example.test' }],
    ['a blank name', { patientId: randomUUID(), name: '  \u2003 ', email: 'a@example.test' }],
    ['an empty email', { patientId: randomUUID(), name: 'Ada', email: '' }],
    ['an email without @', { patientId: randomUUID(), name: 'Ada', email: 'ada.example.test' }],
    ['an email without a domain', { patientId: randomUUID(), name: 'Ada', email: 'ada@' }],
    ['an email without a local part', { patientId: randomUUID(), name: 'Ada', email: '@example.test' }],
    ['an email with two @', { patientId: randomUUID(), name: 'Ada', email: 'ada@lovelace@example.test' }],
    ['an email with a space inside', { patientId: randomUUID(), name: 'Ada', email: 'ada lovelace@example.test' }],
  ])('refuses %s with INVALID_ARGUMENT and stores nothing', async (_, request) => {
    const error = await rejectionOf(original.create(request));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    // The message names the rule, never the value sent.
    if (request.name.trim()) expect(error.details).not.toContain(request.name);
    if (request.email) expect(error.details).not.toContain(request.email);
    if (request.patientId.trim()) expect(await itemsOf(request.patientId)).toHaveLength(0);
  });

  it('answers a message too large to be a request with RESOURCE_EXHAUSTED, and keeps serving', async () => {
    const error = await rejectionOf(original.create({ patientId: randomUUID(), name: 'x'.repeat(100_000), email: '' }));
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect((await original.create(patient())).status).toBe('ACTIVE');
  });

  it('answers bytes that are not a BillingRequest with an error status, and keeps serving', async () => {
    const Raw = makeGenericClientConstructor(
      {
        create: {
          path: '/BillingService/CreateBillingAccount',
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      'BillingService',
    );
    const raw = new Raw(server.address, credentials.createInsecure()) as unknown as {
      create(b: Buffer, m: Metadata, o: object, cb: (e: ServiceError | null) => void): void;
      close(): void;
    };
    try {
      // Field 1 declared as a 200-byte string, then the message ends: truncated protobuf.
      const garbage = Buffer.from([0x0a, 0xc8, 0x01, 0x41, 0x42]);
      const error = await rejectionOf(
        new Promise((resolve, reject) =>
          raw.create(garbage, new Metadata(), { deadline: Date.now() + 5000 }, (e) =>
            e ? reject(e) : resolve(undefined),
          ),
        ),
      );
      expect([status.INTERNAL, status.INVALID_ARGUMENT]).toContain(error.code);
    } finally {
      raw.close();
    }
    expect((await original.create(patient())).status).toBe('ACTIVE');
  });
});

describe('GetBillingAccount', () => {
  it("returns the patient's account", async () => {
    const request = patient();
    const opened = await typed.create(request);
    const found = await typed.get(request.patientId);
    expect(found).toEqual({
      accountId: opened.accountId,
      status: 'ACTIVE',
      patientId: request.patientId,
      createdAt: opened.createdAt,
      currency: 'USD',
      balance: 0,
      totalCharged: 0,
      totalPaid: 0,
      totalRefunded: 0,
      updatedAt: opened.createdAt,
    });
    expect(Number.isNaN(Date.parse(found.createdAt))).toBe(false);
  });

  it('answers NOT_FOUND for a patient without an account', async () => {
    const error = await rejectionOf(typed.get(randomUUID()));
    expect(error.code).toBe(status.NOT_FOUND);
  });

  it('answers INVALID_ARGUMENT for an empty patientId', async () => {
    const error = await rejectionOf(typed.get(''));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('start-up', () => {
  it('rejects when the port is taken, instead of serving nothing', async () => {
    await expect(startTestServer({ port: server.port })).rejects.toThrow();
  });
});

describe('grpc.health.v1.Health', () => {
  it('reports the server and BillingService SERVING', async () => {
    expect((await typed.check('')).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect((await typed.check('BillingService')).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it('answers NOT_FOUND for a service it does not have', async () => {
    expect((await rejectionOf(typed.check('NoSuchService'))).code).toBe(status.NOT_FOUND);
  });
});
