/**
 * The keys and the shape of the analytics aggregates, pure (the store writes them, the query merges them,
 * the capacity model sizes them).
 *
 *   pk AGGREGATE#<topic>#<kafka partition>  sk SUMMARY                  the counters whose names are few: totals,
 *                                                                        genders, two-letter states, birth years
 *                                                                        (patient); accounts opened (billing)
 *   pk AGGREGATE#patient#<partition>        sk MONTH#<yyyy-mm>           registrations per day of that month
 *   pk AGGREGATE#patient#<partition>        sk STATE#<state> (GENDER#…)  one counter whose name is out of the bounded sets
 *   pk AGGREGATE#billing#<partition>        sk SUMMARY#<currency>        charged, paid, refunded in that currency
 *   pk AGGREGATE#billing#<partition>        sk MONTH#<yyyy-mm>#<currency> each day's flows of that month
 *   pk AGGREGATES                           sk <topic>#<partition>       the directory: which partitions have aggregates
 *
 * Why per Kafka partition: a partition is read by one consumer at a time (the event source mapping runs one
 * batch per partition at once), so no two consumers ever write one item (no transaction conflicts), and a
 * partition key takes the writes of one partition's events only: more partitions, more write capacity.
 * Events keyed by patient id land in one partition, so a patient's create and delete meet in the same items;
 * the query sums the partitions anyway, so a repartitioned topic still adds up.
 * Why per month and per counter family: no item grows without bound. The summary holds names from bounded sets
 * only (at most 26² state codes, 4 genders, 300 birth years: tens of KB at the very worst); a month holds at most
 * 31 days (93 billing flows per currency); a name outside the bounded sets (a free-text state, an odd year) gets
 * an item of its own. DynamoDB's item limit is 400 KB.
 * The single item `AGGREGATE` / `ALL` (and `BILLING`, `BILLING_DAY#…`) of the earlier layout is still read
 * and added in, never written: figures counted before the change stay counted.
 */
export const AGGREGATE_PREFIX = 'AGGREGATE#';
export const DIRECTORY_PK = 'AGGREGATES';
export const SUMMARY_SK = 'SUMMARY';
export const MONTH_PREFIX = 'MONTH#';
/** The earlier single-partition layout (read only). */
export const LEGACY_PK = 'AGGREGATE';

/** The partition key of one Kafka partition's aggregates of one topic. */
export const aggregatePk = (topic: string, partition: number) => `${AGGREGATE_PREFIX}${topic}#${partition}`;
/** The directory item of one topic partition. */
export const directoryKey = (topic: string, partition: number) => ({ pk: DIRECTORY_PK, sk: `${topic}#${partition}` });

/** Genders the API accepts (functions/patients/schemas.ts GENDERS): kept in the summary. */
const SUMMARY_GENDERS = new Set(['male', 'female', 'other', 'unknown']);
/** Birth years kept in the summary: every year the API accepts (from 1900) for the next two centuries. */
const SUMMARY_YEARS = { from: 1900, to: 2199 };

/** The sort key of the item that holds patient counter `name` (see aggregates.ts `counter`). */
export function patientCounterSk(name: string): string {
  const day = /^day_(\d{4}-\d{2})-\d{2}$/.exec(name);
  if (day) return `${MONTH_PREFIX}${day[1]}`;
  if (name.startsWith('state_')) return /^state_[A-Z]{2}$/.test(name) ? SUMMARY_SK : `STATE#${name.slice(6)}`;
  if (name.startsWith('gender_')) return SUMMARY_GENDERS.has(name.slice(7)) ? SUMMARY_SK : `GENDER#${name.slice(7)}`;
  if (name.startsWith('birthYear_')) {
    const year = Number(name.slice(10));
    return year >= SUMMARY_YEARS.from && year <= SUMMARY_YEARS.to ? SUMMARY_SK : `BIRTHYEAR#${name.slice(10)}`;
  }
  if (name === 'total' || name === 'eventsProcessed') return SUMMARY_SK;
  return `COUNTER#${name}`;
}

/** The sort key of the item that holds billing summary counter `name` (see billing-aggregates.ts `billingCounter`). */
export function billingCounterSk(name: string): string {
  const flow = /^(?:charged|paid|refunded)_([A-Z]{3})$/.exec(name);
  return flow ? `${SUMMARY_SK}#${flow[1]}` : SUMMARY_SK;
}

/** The item of one month's daily flows in one currency. */
export const billingMonthSk = (date: string, currency: string) => `${MONTH_PREFIX}${date.slice(0, 7)}#${currency}`;
/** The attribute of one day's flow in a month item: `charged_2026-03-01`. */
export const billingDayAttribute = (flow: string, date: string) => `${flow}_${date}`;

/** The merged figures of every partition (and of the earlier layout): flat counters, as aggregates.ts reads them. */
export interface StoredAggregates {
  /** Patient counters (total, state_CA, day_2026-03-01, …) and lastEventAt. */
  patients: Record<string, unknown>;
  /** Billing summary counters (accountsOpened, charged_USD, …). */
  billing: Record<string, unknown>;
  /** One entry per day and currency: date, currency, charged, paid, refunded. */
  billingDays: Record<string, unknown>[];
}

const KEYS = new Set(['pk', 'sk']);

function addCounters(into: Record<string, unknown>, item: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(item)) {
    if (KEYS.has(name) || typeof value !== 'number') continue;
    const sum = into[name];
    into[name] = (typeof sum === 'number' ? sum : 0) + value;
  }
  const last = item.lastEventAt;
  if (typeof last === 'string' && !(typeof into.lastEventAt === 'string' && into.lastEventAt >= last))
    into.lastEventAt = last;
}

const FLOW_NAMES = ['charged', 'paid', 'refunded'] as const;

/** Sums the items of any partitions (and of the earlier layout) into the figures of the whole system. */
export function mergeAggregates(items: Record<string, unknown>[]): StoredAggregates {
  const merged: StoredAggregates = { patients: {}, billing: {}, billingDays: [] };
  const days = new Map<string, Record<string, unknown>>();
  const day = (date: string, currency: string) => {
    const key = `${date}#${currency}`;
    let entry = days.get(key);
    if (!entry) days.set(key, (entry = { date, currency, charged: 0, paid: 0, refunded: 0 }));
    return entry;
  };
  for (const item of items) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (pk === LEGACY_PK) {
      if (sk === 'ALL') addCounters(merged.patients, item);
      else if (sk === 'BILLING') addCounters(merged.billing, item);
      else if (sk.startsWith('BILLING_DAY#') && typeof item.date === 'string' && typeof item.currency === 'string') {
        const entry = day(item.date, item.currency);
        for (const flow of FLOW_NAMES) if (typeof item[flow] === 'number') (entry[flow] as number) += item[flow];
      }
      continue;
    }
    const topic = pk.startsWith(AGGREGATE_PREFIX) ? pk.slice(AGGREGATE_PREFIX.length).split('#')[0] : undefined;
    if (topic === 'patient') addCounters(merged.patients, item);
    else if (topic === 'billing' && sk.startsWith(MONTH_PREFIX)) {
      const currency = sk.split('#')[2] ?? '';
      for (const [name, value] of Object.entries(item)) {
        const match = /^(charged|paid|refunded)_(\d{4}-\d{2}-\d{2})$/.exec(name);
        if (match && typeof value === 'number') (day(match[2]!, currency)[match[1]!] as number) += value;
      }
    } else if (topic === 'billing') addCounters(merged.billing, item);
  }
  merged.billingDays = [...days.values()];
  return merged;
}
