/** The ledger's rules on their own: figures, refunds, validation, fingerprints and time-ordered ids. */
import {
  AccountLimitReached,
  applyTransaction,
  currencyOf,
  figuresOfTransactions,
  idempotencyKeyId,
  InvalidTransaction,
  RefundExceedsPaid,
  requestFingerprint,
  validateTransactionRequest,
  ZERO_FIGURES,
  type TransactionRequest,
} from '../../../billing/src/domain/ledger';
import { timeOrderedId } from '../../../billing/src/domain/time-ordered-id';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const request = (over: Partial<TransactionRequest> = {}): TransactionRequest => ({
  patientId: 'p-1',
  idempotencyKey: 'k-1',
  type: 'CHARGE',
  amount: 100,
  currency: '',
  description: ' Visit ',
  serviceDate: '',
  createdBy: 'u-1',
  ...over,
});

describe('applyTransaction', () => {
  it('moves balance and totals so that balance = charged − paid + refunded', () => {
    let figures = ZERO_FIGURES;
    figures = applyTransaction(figures, 'CHARGE', 1_000);
    figures = applyTransaction(figures, 'PAYMENT', 1_500);
    figures = applyTransaction(figures, 'REFUND', 200);
    expect(figures).toEqual({ balance: -300, totalCharged: 1_000, totalPaid: 1_500, totalRefunded: 200 });
    expect(figures.balance).toBe(figures.totalCharged - figures.totalPaid + figures.totalRefunded);
    expect(
      figuresOfTransactions([
        { type: 'CHARGE', amount: 1_000 },
        { type: 'PAYMENT', amount: 1_500 },
        { type: 'REFUND', amount: 200 },
      ]),
    ).toEqual(figures);
  });

  it('refunds at most what was paid and not yet refunded, and leaves the figures alone when it refuses', () => {
    const paid = applyTransaction(ZERO_FIGURES, 'PAYMENT', 500);
    expect(applyTransaction(paid, 'REFUND', 500).totalRefunded).toBe(500);
    const refunded = applyTransaction(paid, 'REFUND', 300);
    expect(() => applyTransaction(refunded, 'REFUND', 201)).toThrow(RefundExceedsPaid);
    expect(() => applyTransaction(ZERO_FIGURES, 'REFUND', 1)).toThrow(RefundExceedsPaid);
    expect(refunded).toEqual({ balance: -200, totalCharged: 0, totalPaid: 500, totalRefunded: 300 });
  });

  it('refuses a total past what a number holds exactly', () => {
    expect(() =>
      applyTransaction({ ...ZERO_FIGURES, totalCharged: Number.MAX_SAFE_INTEGER - 10, balance: 0 }, 'CHARGE', 100),
    ).toThrow(AccountLimitReached);
  });
});

describe('validateTransactionRequest', () => {
  it('trims the description and accepts the boundaries', () => {
    expect(validateTransactionRequest(request(), NOW).description).toBe('Visit');
    for (const amount of [1, 100_000_000])
      expect(() => validateTransactionRequest(request({ amount }), NOW)).not.toThrow();
    expect(() =>
      validateTransactionRequest(request({ serviceDate: '2026-03-10', description: 'x'.repeat(200) }), NOW),
    ).not.toThrow();
  });

  it.each([
    ['amount', { amount: 0 }],
    ['amount', { amount: 100_000_001 }],
    ['amount', { amount: 1.5 }],
    ['amount', { amount: Number.NaN }],
    ['type', { type: 'GIFT' as never }],
    ['currency', { currency: 'US' }],
    ['description', { description: '\t' }],
    ['description', { description: 'a\u0007b' }],
    ['serviceDate', { serviceDate: '2026-03-11' }],
    ['serviceDate', { serviceDate: '2025-02-29' }],
    ['idempotencyKey', { idempotencyKey: 'x'.repeat(256) }],
    ['idempotencyKey', { idempotencyKey: 'ü' }],
    ['createdBy', { createdBy: '' }],
  ])('names %s when it breaks its rule', (field, over) => {
    let error: unknown;
    try {
      validateTransactionRequest(request(over), NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTransaction);
    expect((error as InvalidTransaction).field).toBe(field);
  });

  it("takes the account's currency when none is named, and refuses another", () => {
    expect(currencyOf(request(), { currency: 'USD' })).toBe('USD');
    expect(currencyOf(request({ currency: 'USD' }), { currency: 'USD' })).toBe('USD');
    expect(() => currencyOf(request({ currency: 'EUR' }), { currency: 'USD' })).toThrow(InvalidTransaction);
  });
});

describe('idempotency', () => {
  it('fingerprints the request, not the way it named the currency', () => {
    expect(requestFingerprint(request(), 'USD')).toBe(requestFingerprint(request({ currency: 'USD' }), 'USD'));
    expect(requestFingerprint(request(), 'USD')).not.toBe(requestFingerprint(request({ amount: 101 }), 'USD'));
    expect(requestFingerprint(request(), 'USD')).not.toBe(requestFingerprint(request({ description: 'Other' }), 'USD'));
  });

  it('scopes a key to its caller and stores no raw key', () => {
    expect(idempotencyKeyId('u-1', 'k')).not.toBe(idempotencyKeyId('u-2', 'k'));
    expect(idempotencyKeyId('u-1', 'k')).not.toContain('k');
  });
});

describe('timeOrderedId', () => {
  it('is a version 7 UUID whose text order is the order the ids were made, within a millisecond too', () => {
    const ids = [
      timeOrderedId(1_700_000_000_000),
      timeOrderedId(1_700_000_000_000),
      timeOrderedId(1_700_000_000_000),
      timeOrderedId(1_700_000_000_001),
    ];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]!.replace(/-/g, '').slice(0, 12)).toBe((1_700_000_000_000).toString(16).padStart(12, '0'));
  });

  it('keeps the order when the clock steps back', () => {
    const later = timeOrderedId(1_800_000_000_000);
    expect(timeOrderedId(1_799_999_999_000) > later).toBe(true);
  });
});
