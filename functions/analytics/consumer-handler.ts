/**
 * Consumes topics "patient" and "billing" (one Kafka event source mapping each; locally the Kafka pollers)
 * into the aggregates of each record's partition (aggregate-items.ts), exactly once per event id, and emits
 * CloudWatch metrics in Embedded Metric Format.
 * A thrown error fails the batch, which the event source retries whole (at-least-once in, exactly-once counted).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { BillingEvent } from '../../proto/gen/billing_event';
import { PatientEvent } from '../../proto/gen/patient_event';
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { logger } from '../commons/logger';
import { ageBand } from './aggregates';
import { AggregateStore } from './aggregate-store';
import { billingFiguresOf } from './billing-aggregates';
import { BILLING_EVENT_SOURCE } from '../../system/events';

const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'PatientManagement',
  serviceName: 'analytics',
});
let store: AggregateStore | undefined;

/** A batch's events, per Kafka partition of each topic (each partition has aggregate items of its own). */
interface Decoded {
  patient: Map<number, PatientEvent[]>;
  billing: Map<number, BillingEvent[]>;
}

function push<E>(byPartition: Map<number, E[]>, partition: number, event: E): void {
  const events = byPartition.get(partition);
  if (events) events.push(event);
  else byPartition.set(partition, [event]);
}

function decodeRecord(record: MSKRecord, decoded: Decoded): void {
  const value = Buffer.from(record.value, 'base64');
  const partition = Number(record.partition) || 0;
  if (record.topic === BILLING_EVENT_SOURCE.topic) {
    const billingEvent = BillingEvent.decode(value);
    if (!billingEvent.eventId) throw new Error('no event id');
    push(decoded.billing, partition, billingEvent);
  } else {
    const patientEvent = PatientEvent.decode(value);
    if (!patientEvent.eventId) throw new Error('no event id');
    push(decoded.patient, partition, patientEvent);
  }
}

function decode(event: MSKEvent): Decoded {
  const decoded: Decoded = { patient: new Map(), billing: new Map() };
  for (const records of Object.values(event.records)) {
    for (const record of records) {
      try {
        decodeRecord(record, decoded);
      } catch (error) {
        // A record no consumer can read must not block the partition forever: skip it, loudly.
        logger.error('Undecodable record skipped', {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          errorName: (error as Error).name,
        });
      }
    }
  }
  return decoded;
}

/** Applies each partition's events to that partition's items; returns the events applied (duplicates left out). */
async function applyEach<E>(
  byPartition: Map<number, E[]>,
  apply: (events: E[], partition: number) => Promise<E[]>,
): Promise<E[]> {
  const applied: E[] = [];
  for (const [partition, events] of byPartition) applied.push(...(await apply(events, partition)));
  return applied;
}

const countOf = (byPartition: Map<number, unknown[]>) =>
  [...byPartition.values()].reduce((sum, events) => sum + events.length, 0);

function emitPatientMetrics(applied: PatientEvent[]): void {
  const now = new Date();
  const byDimension = new Map<string, number>();
  let registered = 0;
  let deleted = 0;
  for (const e of applied) {
    const sign = e.eventType === 'PATIENT_CREATED' ? 1 : e.eventType === 'PATIENT_DELETED' ? -1 : 0;
    if (sign === 0) continue;
    if (sign > 0) registered++;
    else deleted++;
    const metric = sign > 0 ? 'PatientRegistered' : 'PatientDeleted';
    for (const [dimension, value] of [
      ['State', e.state],
      ['AgeBand', e.birthYear ? ageBand(e.birthYear, now) : ''],
      ['Gender', e.gender || 'unknown'],
    ]) {
      if (value)
        byDimension.set(
          `${metric}|${dimension}|${value}`,
          (byDimension.get(`${metric}|${dimension}|${value}`) ?? 0) + 1,
        );
    }
  }
  if (registered) metrics.addMetric('PatientRegistered', MetricUnit.Count, registered);
  if (deleted) metrics.addMetric('PatientDeleted', MetricUnit.Count, deleted);
  metrics.addMetric('EventsProcessed', MetricUnit.Count, applied.length);
  for (const [key, value] of byDimension) {
    const [metric, dimension, dimensionValue] = key.split('|') as [string, string, string];
    single(metric, value, { [dimension]: dimensionValue });
  }
}

function single(metric: string, value: number, dimensions: Record<string, string>): void {
  const one = metrics.singleMetric();
  for (const [name, dimensionValue] of Object.entries(dimensions)) one.addDimension(name, dimensionValue);
  one.addMetric(metric, MetricUnit.Count, value);
}

const BILLING_METRIC: Record<string, string> = {
  CHARGE: 'BillingCharged',
  PAYMENT: 'BillingPaid',
  REFUND: 'BillingRefunded',
};

/** Flows per currency (minor units) and, after them, what is outstanding in each currency (a gauge for the dashboard). */
async function emitBillingMetrics(applied: BillingEvent[], current: AggregateStore): Promise<void> {
  const sums = new Map<string, number>();
  let opened = 0;
  for (const e of applied) {
    if (e.eventType === 'ACCOUNT_OPENED') opened++;
    const metric = e.eventType === 'TRANSACTION_RECORDED' ? BILLING_METRIC[e.transactionType] : undefined;
    if (metric && e.currency)
      sums.set(`${metric}|${e.currency}`, (sums.get(`${metric}|${e.currency}`) ?? 0) + e.amount);
  }
  if (opened) metrics.addMetric('BillingAccountsOpened', MetricUnit.Count, opened);
  metrics.addMetric('BillingEventsProcessed', MetricUnit.Count, applied.length);
  for (const [key, value] of sums) {
    const [metric, currency] = key.split('|') as [string, string];
    single(metric, value, { Currency: currency });
  }
  if (sums.size > 0) {
    const summary = await current.readBillingSummary();
    for (const [currency, figures] of Object.entries(billingFiguresOf(summary, []).currencies))
      single('BillingOutstanding', figures.outstanding, { Currency: currency });
  }
}

export async function handler(event: MSKEvent): Promise<void> {
  store ??= new AggregateStore(dynamoClient(), tableName('analytics'));
  const decoded = decode(event);
  const current = store;
  const appliedPatients = await applyEach(decoded.patient, (events, partition) => current.apply(events, partition));
  const appliedBilling = await applyEach(decoded.billing, (events, partition) =>
    current.applyBilling(events, partition),
  );
  const received = countOf(decoded.patient) + countOf(decoded.billing);
  const applied = appliedPatients.length + appliedBilling.length;
  logger.info('Batch counted', { received, applied, duplicates: received - applied });
  if (appliedPatients.length > 0) emitPatientMetrics(appliedPatients);
  if (appliedBilling.length > 0) await emitBillingMetrics(appliedBilling, store);
  if (applied > 0) metrics.publishStoredMetrics();
}
