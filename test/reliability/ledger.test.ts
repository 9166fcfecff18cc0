/**
 * Ledger faults on one hot account, through the HTTP API of a full `npm start`: billing frozen (SIGSTOP:
 * calls hang to their deadline) and then SIGKILLed while transactions are posted, then restarted from the
 * same entry point on the same port and data. Every post carries its own Idempotency-Key; a client retries
 * each one that was not answered 201, with the same key, until it is. Afterwards: every key is exactly one
 * transaction, the balance equals what the transactions add up to, no 5xx other than 503 reached the client,
 * and the analytics billing block counted each transaction once.
 */
import { randomUUID } from 'node:crypto';
import { useBillingFault } from './support/billing';
import { config } from './support/config';
import { pool } from './support/http';
import { childPids, eventually, patientInput, tally } from './support/runtime';
import { loginDemoAdmin } from '../support/http';

interface Sent {
  key: string;
  body: { type: string; amount: number; description: string };
  id?: string;
  statuses: number[];
}

describe('fault: billing down and killed while transactions are posted to one account', () => {
  const fault = useBillingFault();

  it('records each key once, keeps the balance exact, and answers only 201 or 503 meanwhile', async () => {
    const { runtime } = fault;
    const token = await loginDemoAdmin(runtime.baseUrl);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const get = async (path: string) =>
      (await fetch(`${runtime.baseUrl}${path}`, { headers })).json() as Promise<Record<string, unknown>>;
    const created = await fetch(`${runtime.baseUrl}/api/patients`, {
      method: 'POST',
      headers,
      body: JSON.stringify(patientInput('ledger')),
    });
    const patient = (await created.json()) as { id: string; billingStatus: string };
    expect(patient.billingStatus).toBe('ACTIVE');
    const path = `/api/patients/${patient.id}/billing/transactions`;
    const analyticsBefore = (
      (await get('/api/analytics')).billing as { currencies: Record<string, { charged: number; paid: number }> }
    ).currencies.USD ?? { charged: 0, paid: 0 };

    const total = config.faultCreates * 3;
    const sent: Sent[] = Array.from({ length: total }, (_, i) => ({
      key: randomUUID(),
      statuses: [],
      body: { type: i % 4 === 3 ? 'PAYMENT' : 'CHARGE', amount: 100 + i, description: `reliability ${i}` },
    }));
    const post = async (s: Sent) => {
      const response = await fetch(`${runtime.baseUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': s.key },
        body: JSON.stringify(s.body),
      }).catch(() => undefined);
      s.statuses.push(response?.status ?? 0);
      if (response?.status === 201) s.id = ((await response.json()) as { id: string }).id;
    };
    const { billing } = childPids(runtime.dataDir);
    const third = Math.ceil(total / 3);

    await pool(third, 4, (i) => post(sent[i]!)); // billing up
    // Billing hangs: calls run into their deadline.
    await fault.whileFrozen(billing, () => pool(third, 4, (i) => post(sent[third + i]!)));
    const rest = sent.slice(2 * third);
    let answered = 0;
    await pool(rest.length, 8, async (i) => {
      await post(rest[i]!);
      // Mid-load: once a few are through, the others are queued or in flight in billing.
      if (rest[i]!.statuses[0] === 201 && ++answered === 3) process.kill(billing, 'SIGKILL');
    });
    if (answered < 3) process.kill(billing, 'SIGKILL');
    const acknowledgedFirstTime = sent.filter((s) => s.statuses[0] === 201).length;

    await fault.replaceBilling();
    // The client's retries: the same key and body until 201.
    for (let round = 0; round < 10 && sent.some((s) => !s.id); round++) {
      const unanswered = sent.filter((s) => !s.id);
      await pool(unanswered.length, 4, (i) => post(unanswered[i]!));
    }

    const account = (await get(`/api/patients/${patient.id}/billing`)) as {
      balance: number;
      totalCharged: number;
      totalPaid: number;
      totalRefunded: number;
    };
    const listed: { id: string; type: string; amount: number }[] = [];
    let cursor: string | null = null;
    do {
      const page = (await get(`${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)) as {
        transactions: typeof listed;
        nextCursor: string | null;
      };
      listed.push(...page.transactions);
      cursor = page.nextCursor;
    } while (cursor);
    const sum = listed.reduce((b, t) => b + (t.type === 'PAYMENT' ? -t.amount : t.amount), 0);
    const expected = sent.reduce((b, s) => b + (s.body.type === 'PAYMENT' ? -s.body.amount : s.body.amount), 0);
    const statuses = sent.flatMap((s) => s.statuses);
    const found = new Set(listed.map((t) => t.id));
    const lost = sent.filter((s) => !s.id || !found.has(s.id)).length;
    tally('ledger: billing hung then killed while posting', {
      sent: total,
      acknowledged: acknowledgedFirstTime,
      found: listed.length,
      lost,
      retried: statuses.length - total,
      answered503: statuses.filter((s) => s === 503).length,
      balance: account.balance,
      expectedBalance: expected,
    });
    expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0); // the faults did bite
    expect(lost).toBe(0);
    expect(listed).toHaveLength(total);
    expect(new Set(sent.map((s) => s.id)).size).toBe(total);
    expect(account.balance).toBe(sum);
    expect(account.balance).toBe(expected);
    expect(account.balance).toBe(account.totalCharged - account.totalPaid + account.totalRefunded);

    // Analytics counts every transaction once (other writers may add to it; this run added exactly these).
    const charged = sent.filter((s) => s.body.type === 'CHARGE').reduce((a, s) => a + s.body.amount, 0);
    await eventually('analytics caught up with the ledger', 30_000, async () => {
      const usd = (
        (await get('/api/analytics')).billing as { currencies: Record<string, { charged: number; paid: number }> }
      ).currencies.USD;
      return usd && usd.charged - analyticsBefore.charged === charged ? usd : undefined;
    });
  });
});
