/**
 * The billing ledger over HTTP against `npm start`, as a client would use it (contract v2 · Billing ledger,
 * Billing events, Analytics over billing): balances, refunds, idempotency, roles, validation, paging,
 * racing posts, the BillingEvents on topic "billing", and the analytics' billing block within 5 seconds.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { BillingEvent } from '../../../proto/gen/billing_event';
import { loginDemoAdmin, patientInput, request, userWithRole } from '../../support/http';

let admin: string;
let clinician: string;

/** POST a transaction; `token` null: without one, `key` null: without an Idempotency-Key (a fresh key by default). */
const post = (id: string, body: unknown, token: string | null = admin, key: string | null = randomUUID()) =>
  request('POST', `/api/patients/${id}/billing/transactions`, {
    token: token ?? undefined,
    body,
    headers: key === null ? {} : { 'Idempotency-Key': key },
  });

async function newPatient(overrides: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
  const created = await request('POST', '/api/patients', { token: admin, body: patientInput(overrides) });
  expect(created.status).toBe(201);
  expect(created.body.billingStatus).toBe('ACTIVE');
  return { id: created.body.id, email: created.body.email };
}

beforeAll(async () => {
  admin = await loginDemoAdmin();
  clinician = (await userWithRole('clinician', admin)).token;
});

describe("a patient's billing account", () => {
  it('starts at zero, moves with each transaction, and always equals what its transactions add up to', async () => {
    const { id } = await newPatient();
    const empty = await request('GET', `/api/patients/${id}/billing`, { token: clinician });
    expect(empty.status).toBe(200);
    expect(empty.headers.get('cache-control')).toBe('no-store');
    expect(empty.body).toEqual({
      accountId: expect.any(String),
      patientId: id,
      status: 'ACTIVE',
      currency: 'USD',
      balance: 0,
      totalCharged: 0,
      totalPaid: 0,
      totalRefunded: 0,
      updatedAt: expect.any(String),
    });

    const charge = await post(
      id,
      { type: 'CHARGE', amount: 15_000, description: 'Annual check-up', serviceDate: '2025-06-30' },
      clinician,
    );
    expect(charge.status).toBe(201);
    expect(charge.headers.get('location')).toBe(`/api/patients/${id}/billing/transactions/${charge.body.id}`);
    expect(charge.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      accountId: empty.body.accountId,
      patientId: id,
      type: 'CHARGE',
      amount: 15_000,
      currency: 'USD',
      description: 'Annual check-up',
      serviceDate: '2025-06-30',
      createdAt: expect.any(String),
      createdBy: expect.any(String),
      balanceAfter: 15_000,
    });
    expect(
      (await post(id, { type: 'PAYMENT', amount: 10_000, currency: 'USD', description: 'Card payment' })).body
        .balanceAfter,
    ).toBe(5_000);
    expect((await post(id, { type: 'REFUND', amount: 2_500, description: 'Overpaid lab fee' })).body.balanceAfter).toBe(
      7_500,
    );

    const account = (await request('GET', `/api/patients/${id}/billing`, { token: admin })).body;
    expect(account).toMatchObject({ balance: 7_500, totalCharged: 15_000, totalPaid: 10_000, totalRefunded: 2_500 });
    expect(account.balance).toBe(account.totalCharged - account.totalPaid + account.totalRefunded);
    const list = await request('GET', `/api/patients/${id}/billing/transactions`, { token: admin });
    expect(list.body.transactions.map((t: { type: string }) => t.type)).toEqual(['REFUND', 'PAYMENT', 'CHARGE']);
    expect(list.body.nextCursor).toBeNull();
    const one = await request('GET', `/api/patients/${id}/billing/transactions/${charge.body.id}`, {
      token: clinician,
    });
    expect(one.body).toEqual(charge.body);
  });

  it('refuses a refund above what was paid and not yet refunded (422), recording nothing', async () => {
    const { id } = await newPatient();
    await post(id, { type: 'PAYMENT', amount: 1_000, description: 'Cash' });
    const refused = await post(id, { type: 'REFUND', amount: 1_001, description: 'Too much' });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(
      (await request('GET', `/api/patients/${id}/billing/transactions`, { token: admin })).body.transactions,
    ).toHaveLength(1);
  });

  it('replays the same transaction for the same Idempotency-Key and body, 422 for another body, 400 without a key', async () => {
    const { id } = await newPatient();
    const key = randomUUID();
    const first = await post(id, { type: 'CHARGE', amount: 990, description: 'X-ray' }, admin, key);
    // The same request, written differently (key order, the account's currency named, no service date as null).
    const again = await post(
      id,
      { description: 'X-ray', amount: 990, type: 'CHARGE', currency: 'USD', serviceDate: null },
      admin,
      key,
    );
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await post(id, { type: 'CHARGE', amount: 991, description: 'X-ray' }, admin, key);
    expect(other.status).toBe(422);
    const missing = await post(id, { type: 'CHARGE', amount: 1, description: 'No key' }, admin, null);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect((await request('GET', `/api/patients/${id}/billing`, { token: admin })).body.totalCharged).toBe(990);
  });

  it.each([
    ['amount', { type: 'CHARGE', amount: 0, description: 'd' }],
    ['amount', { type: 'CHARGE', amount: 1.5, description: 'd' }],
    ['amount', { type: 'CHARGE', amount: 100_000_001, description: 'd' }],
    ['amount', { type: 'CHARGE', amount: '100', description: 'd' }],
    ['type', { type: 'GIFT', amount: 1, description: 'd' }],
    ['description', { type: 'CHARGE', amount: 1, description: '' }],
    ['description', { type: 'CHARGE', amount: 1, description: 'x'.repeat(201) }],
    ['currency', { type: 'CHARGE', amount: 1, description: 'd', currency: 'EUR' }],
    ['currency', { type: 'CHARGE', amount: 1, description: 'd', currency: 'usd' }],
    ['serviceDate', { type: 'CHARGE', amount: 1, description: 'd', serviceDate: '2999-01-01' }],
    ['serviceDate', { type: 'CHARGE', amount: 1, description: 'd', serviceDate: '2023-02-30' }],
    ['extra', { type: 'CHARGE', amount: 1, description: 'd', extra: true }],
  ])('answers 400 naming %s for %j', async (field, body) => {
    const { id } = await newPatient();
    const response = await post(id, body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers 400 for malformed JSON and 404 for an unknown, deleted or malformed patient', async () => {
    const { id } = await newPatient();
    const malformed = await request('POST', `/api/patients/${id}/billing/transactions`, {
      token: admin,
      raw: '{"type":',
      headers: { 'Idempotency-Key': 'k' },
    });
    expect(malformed.status).toBe(400);
    expect((await post(randomUUID(), { type: 'CHARGE', amount: 1, description: 'd' })).status).toBe(404);
    expect((await request('GET', '/api/patients/not-a-uuid/billing', { token: admin })).status).toBe(404);
    expect(
      (await request('GET', `/api/patients/${id}/billing/transactions/${randomUUID()}`, { token: admin })).status,
    ).toBe(404);
    expect((await request('DELETE', `/api/patients/${id}`, { token: admin })).status).toBe(204);
    expect((await request('GET', `/api/patients/${id}/billing`, { token: admin })).status).toBe(404);
    expect((await post(id, { type: 'CHARGE', amount: 1, description: 'd' })).status).toBe(404);
  });

  it('pages newest first with limit and cursor, and refuses a bad limit or cursor', async () => {
    const { id } = await newPatient();
    for (let i = 1; i <= 5; i++)
      expect((await post(id, { type: 'CHARGE', amount: i, description: `item ${i}` })).status).toBe(201);
    const first = await request('GET', `/api/patients/${id}/billing/transactions?limit=2`, { token: admin });
    expect(first.body.transactions.map((t: { amount: number }) => t.amount)).toEqual([5, 4]);
    const rest = await request(
      'GET',
      `/api/patients/${id}/billing/transactions?limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      { token: admin },
    );
    expect(rest.body.transactions.map((t: { amount: number }) => t.amount)).toEqual([3, 2, 1]);
    expect(rest.body.nextCursor).toBeNull();
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'cursor=forged']) {
      const bad = await request('GET', `/api/patients/${id}/billing/transactions?${query}`, { token: admin });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe(query.split('=')[0]);
    }
  });
});

describe('roles', () => {
  it('lets a patient read only their own account and transactions, and never post', async () => {
    const email = `ledger.${randomUUID().slice(0, 8)}@e2e.test`;
    const own = await newPatient({ email });
    const other = await newPatient();
    const charge = await post(own.id, { type: 'CHARGE', amount: 500, description: 'Visit' });
    const me = (await userWithRole('patient', admin, email)).token;
    expect((await request('GET', `/api/patients/${own.id}/billing`, { token: me })).body.balance).toBe(500);
    expect(
      (await request('GET', `/api/patients/${own.id}/billing/transactions`, { token: me })).body.transactions,
    ).toHaveLength(1);
    expect(
      (await request('GET', `/api/patients/${own.id}/billing/transactions/${charge.body.id}`, { token: me })).status,
    ).toBe(200);
    expect((await post(own.id, { type: 'PAYMENT', amount: 500, description: 'Self' }, me)).status).toBe(403);
    for (const path of [`/api/patients/${other.id}/billing`, `/api/patients/${other.id}/billing/transactions`]) {
      expect((await request('GET', path, { token: me })).status).toBe(404);
    }
    const unverified = (
      await userWithRole('patient', admin, `ledger.unverified.${randomUUID().slice(0, 8)}@e2e.test`, false)
    ).token;
    expect((await request('GET', `/api/patients/${own.id}/billing`, { token: unverified })).status).toBe(404);
  });

  it('asks for a token (401) on every billing route', async () => {
    const { id } = await newPatient();
    expect((await request('GET', `/api/patients/${id}/billing`)).status).toBe(401);
    expect((await post(id, { type: 'CHARGE', amount: 1, description: 'd' }, null)).status).toBe(401);
    expect((await request('GET', `/api/patients/${id}/billing/transactions`)).status).toBe(401);
  });
});

describe('racing posts on one account', () => {
  it('records 50 racing posts with distinct keys exactly, and one transaction for 20 racing posts with one key', async () => {
    const { id } = await newPatient();
    const distinct = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(id, { type: 'CHARGE', amount: 100 + i, description: `line ${i}` })),
    );
    expect(distinct.map((r) => r.status)).toEqual(Array(50).fill(201));
    const key = randomUUID();
    const same = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(id, { type: 'PAYMENT', amount: 777, description: 'one payment' }, admin, key),
      ),
    );
    expect(same.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(same.map((r) => r.body.id)).size).toBe(1);
    const expected = Array.from({ length: 50 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0) - 777;
    const account = (await request('GET', `/api/patients/${id}/billing`, { token: admin })).body;
    expect(account.balance).toBe(expected);
    const all = (await request('GET', `/api/patients/${id}/billing/transactions?limit=100`, { token: admin })).body
      .transactions;
    expect(all).toHaveLength(51);
  });
});

describe('billing events and analytics', () => {
  let consumer: Consumer;
  const seen: { key: string; event: BillingEvent }[] = [];

  beforeAll(async () => {
    const kafka = new Kafka({ brokers: [process.env.E2E_KAFKA_BROKERS!], logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: `e2e-billing-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'billing', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ key: message.key!.toString(), event: BillingEvent.decode(message.value!) });
      },
    });
  });
  afterAll(() => consumer?.disconnect());

  it('publishes ACCOUNT_OPENED and TRANSACTION_RECORDED (key: patient id), and analytics counts them within 5 s', async () => {
    const analytics = async () => (await request('GET', '/api/analytics', { token: admin })).body.billing;
    const before = await analytics();
    const { id } = await newPatient();
    const charge = await post(id, { type: 'CHARGE', amount: 4_000, description: 'Therapy' });
    await post(id, { type: 'PAYMENT', amount: 3_000, description: 'Card' });
    await post(id, { type: 'REFUND', amount: 500, description: 'Goodwill' });

    const deadline = Date.now() + 5000; // the contract: caught up within 5 seconds locally
    let after = await analytics();
    const moved = (b: typeof after) =>
      b.currencies.USD?.charged - (before.currencies.USD?.charged ?? 0) >= 4_000 &&
      b.currencies.USD?.refunded - (before.currencies.USD?.refunded ?? 0) >= 500 &&
      b.accountsOpened > before.accountsOpened;
    while (!moved(after) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after = await analytics();
    }
    expect(moved(after)).toBe(true);
    const usd = after.currencies.USD;
    expect(usd.outstanding).toBe(usd.charged - usd.paid + usd.refunded);
    const today = new Date().toISOString().slice(0, 10);
    expect(after.byDay).toEqual(expect.arrayContaining([expect.objectContaining({ date: today, currency: 'USD' })]));

    const eventsOf = () => seen.filter((s) => s.key === id).map((s) => s.event);
    while (eventsOf().length < 4 && Date.now() < deadline + 5000) await new Promise((r) => setTimeout(r, 100));
    const events = eventsOf();
    // Two streams (accounts, transactions) feed the topic: transactions keep their order; the opening may come before or after them.
    expect(events.filter((e) => e.eventType === 'ACCOUNT_OPENED')).toHaveLength(1);
    expect(events.filter((e) => e.eventType === 'TRANSACTION_RECORDED').map((e) => e.transactionType)).toEqual([
      'CHARGE',
      'PAYMENT',
      'REFUND',
    ]);
    expect(events.find((e) => e.transactionType === 'CHARGE')).toMatchObject({
      patientId: id,
      transactionId: charge.body.id,
      amount: 4_000,
      currency: 'USD',
      balanceAfter: 4_000,
      occurredAt: charge.body.createdAt,
    });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(4);
  });
});
