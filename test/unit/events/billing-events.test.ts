/** Billing stream records → BillingEvents, and BillingEvents → the analytics billing block. */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { billingDeltas, billingFiguresOf } from '../../../functions/analytics/billing-aggregates';
import { toBillingEvent } from '../../../functions/billing/streams/billing-events';
import type { BillingEvent } from '../../../proto/gen/billing_event';

const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>): DynamoDBRecord => ({
  eventID: 'stream-1',
  eventName,
  dynamodb: { NewImage: marshall(item) as never, SequenceNumber: '1' },
});

describe('toBillingEvent', () => {
  it('turns an inserted transaction into TRANSACTION_RECORDED with the event id written with it', () => {
    expect(
      toBillingEvent(
        record('INSERT', {
          pk: 'ACCOUNT#a',
          sk: 'TX#t',
          entity: 'TRANSACTION',
          transactionId: 't',
          accountId: 'a',
          patientId: 'p',
          type: 'REFUND',
          amount: 250,
          currency: 'USD',
          description: 'x',
          serviceDate: '',
          createdAt: '2026-01-02T03:04:05.000Z',
          createdBy: 'u',
          balanceAfter: 750,
          eventId: 'e-1',
          fingerprint: 'f',
        }),
      ),
    ).toEqual({
      eventId: 'e-1',
      eventType: 'TRANSACTION_RECORDED',
      accountId: 'a',
      patientId: 'p',
      transactionId: 't',
      transactionType: 'REFUND',
      amount: 250,
      currency: 'USD',
      balanceAfter: 750,
      occurredAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('turns an opened account into ACCOUNT_OPENED, without the contact data it stores', () => {
    const event = toBillingEvent(
      record('INSERT', {
        patientId: 'p',
        accountId: 'a',
        status: 'ACTIVE',
        createdAt: '2026-01-01T00:00:00.000Z',
        name: 'Ada Lovelace',
        email: 'ada@x.test',
        currency: 'USD',
        balance: 0,
        openedEventId: 'e-0',
      }),
    );
    expect(event).toMatchObject({
      eventId: 'e-0',
      eventType: 'ACCOUNT_OPENED',
      accountId: 'a',
      patientId: 'p',
      currency: 'USD',
      transactionId: '',
      amount: 0,
    });
    expect(JSON.stringify(event)).not.toMatch(/Ada|ada@/);
  });

  it('ignores balance updates, idempotency keys and removals', () => {
    expect(toBillingEvent(record('MODIFY', { patientId: 'p', accountId: 'a', balance: 5 }))).toBeNull();
    expect(
      toBillingEvent(record('INSERT', { pk: 'ACCOUNT#a', sk: 'KEY#k', entity: 'IDEMPOTENCY_KEY', transactionId: 't' })),
    ).toBeNull();
    expect(toBillingEvent({ eventName: 'REMOVE', dynamodb: {} })).toBeNull();
  });
});

const tx = (over: Partial<BillingEvent>): BillingEvent => ({
  eventId: 'e',
  eventType: 'TRANSACTION_RECORDED',
  accountId: 'a',
  patientId: 'p',
  transactionId: 't',
  transactionType: 'CHARGE',
  amount: 100,
  currency: 'USD',
  balanceAfter: 0,
  occurredAt: '2026-05-01T10:00:00.000Z',
  ...over,
});

describe('billing analytics', () => {
  it('sums flows per currency and per day, counts accounts, and derives what is outstanding', () => {
    const { summary, days } = billingDeltas(
      [
        tx({ eventType: 'ACCOUNT_OPENED', transactionType: '', amount: 0 }),
        tx({ amount: 1_000 }),
        tx({ transactionType: 'PAYMENT', amount: 600 }),
        tx({ transactionType: 'REFUND', amount: 100, occurredAt: '2026-05-02T00:00:00.000Z' }),
        tx({ amount: 50, currency: 'EUR' }),
        tx({ eventType: 'FUTURE_TYPE' }),
      ],
      new Date('2026-05-03T00:00:00.000Z'),
    );
    expect(Object.fromEntries(summary)).toEqual({
      billingEventsProcessed: 6,
      accountsOpened: 1,
      charged_USD: 1_000,
      paid_USD: 600,
      refunded_USD: 100,
      charged_EUR: 50,
    });
    const dayItems = [...days.values()].map((d) => ({
      date: d.date,
      currency: d.currency,
      ...Object.fromEntries(d.deltas),
    }));
    expect(billingFiguresOf(Object.fromEntries(summary), dayItems)).toEqual({
      accountsOpened: 1,
      currencies: {
        USD: { charged: 1_000, paid: 600, refunded: 100, outstanding: 500 },
        EUR: { charged: 50, paid: 0, refunded: 0, outstanding: 50 },
      },
      byDay: [
        { date: '2026-05-01', currency: 'EUR', charged: 50, paid: 0, refunded: 0 },
        { date: '2026-05-01', currency: 'USD', charged: 1_000, paid: 600, refunded: 0 },
        { date: '2026-05-02', currency: 'USD', charged: 0, paid: 0, refunded: 100 },
      ],
    });
  });

  it('is empty before any billing event', () => {
    expect(billingFiguresOf(undefined, [])).toEqual({ accountsOpened: 0, currencies: {}, byDay: [] });
  });
});
