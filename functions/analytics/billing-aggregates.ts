/**
 * Billing analytics arithmetic, pure: BillingEvents → counter deltas (one summary item, one item per day
 * and currency); stored counters → the `billing` block of GET /api/analytics. Amounts are minor units.
 * outstanding = charged − paid + refunded, per currency (what patients owe).
 */
import type { BillingEvent } from '../../proto/gen/billing_event';
import type { Deltas } from './aggregates';

export const FLOWS = ['charged', 'paid', 'refunded'] as const;
export type Flow = (typeof FLOWS)[number];
const FLOW_OF: Record<string, Flow> = { CHARGE: 'charged', PAYMENT: 'paid', REFUND: 'refunded' };

/** Summary counter names: accounts opened, billing events counted, and each flow per currency (`charged_USD`). */
export const billingCounter = {
  accountsOpened: 'accountsOpened',
  events: 'billingEventsProcessed',
  flow: (flow: Flow, currency: string) => `${flow}_${currency}`,
};

export interface BillingDeltas {
  summary: Deltas;
  /** Per `<date>#<currency>`: the day's flows. */
  days: Map<string, { date: string; currency: string; deltas: Deltas }>;
}

function add(deltas: Deltas, name: string, by: number): void {
  deltas.set(name, (deltas.get(name) ?? 0) + by);
}

/**
 * The effect of `events` on the billing counters. An event type from a newer schema counts as processed and changes nothing else.
 * An event without a date counts on `today`'s.
 */
export function billingDeltas(events: BillingEvent[], today: Date): BillingDeltas {
  const result: BillingDeltas = { summary: new Map(), days: new Map() };
  for (const e of events) {
    add(result.summary, billingCounter.events, 1);
    if (e.eventType === 'ACCOUNT_OPENED') add(result.summary, billingCounter.accountsOpened, 1);
    const flow = e.eventType === 'TRANSACTION_RECORDED' ? FLOW_OF[e.transactionType] : undefined;
    if (!flow || !/^[A-Z]{3}$/.test(e.currency) || !(e.amount > 0)) continue;
    add(result.summary, billingCounter.flow(flow, e.currency), e.amount);
    const date = /^\d{4}-\d{2}-\d{2}/.test(e.occurredAt) ? e.occurredAt.slice(0, 10) : today.toISOString().slice(0, 10);
    const key = `${date}#${e.currency}`;
    const day = result.days.get(key) ?? { date, currency: e.currency, deltas: new Map<string, number>() };
    add(day.deltas, flow, e.amount);
    result.days.set(key, day);
  }
  return result;
}

export interface CurrencyFigures {
  charged: number;
  paid: number;
  refunded: number;
  outstanding: number;
}
export interface BillingFigures {
  accountsOpened: number;
  currencies: Record<string, CurrencyFigures>;
  byDay: { date: string; currency: string; charged: number; paid: number; refunded: number }[];
}

const number = (value: unknown) => (typeof value === 'number' ? value : 0);

/** The `billing` block from the summary item and the day items. */
export function billingFiguresOf(
  summary: Record<string, unknown> | undefined,
  days: Record<string, unknown>[],
): BillingFigures {
  const figures: BillingFigures = {
    accountsOpened: number(summary?.[billingCounter.accountsOpened]),
    currencies: {},
    byDay: [],
  };
  for (const [name, value] of Object.entries(summary ?? {})) {
    const match = /^(charged|paid|refunded)_([A-Z]{3})$/.exec(name);
    if (!match || typeof value !== 'number') continue;
    const currency = (figures.currencies[match[2]!] ??= { charged: 0, paid: 0, refunded: 0, outstanding: 0 });
    currency[match[1] as Flow] = value;
  }
  for (const c of Object.values(figures.currencies)) c.outstanding = c.charged - c.paid + c.refunded;
  figures.byDay = days
    .filter((d) => typeof d.date === 'string' && typeof d.currency === 'string')
    .map((d) => ({
      date: d.date as string,
      currency: d.currency as string,
      charged: number(d.charged),
      paid: number(d.paid),
      refunded: number(d.refunded),
    }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.currency.localeCompare(b.currency));
  return figures;
}
