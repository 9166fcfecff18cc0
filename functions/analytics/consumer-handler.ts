/**
 * Consumes topic "patient" (an MSK or self-managed Kafka event source mapping; locally the Kafka poller) into the aggregates,
 * exactly once per event id, and emits CloudWatch metrics in Embedded Metric Format.
 * A thrown error fails the batch, which the event source retries whole (at-least-once in, exactly-once counted).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MSKEvent } from 'aws-lambda';
import { PatientEvent } from '../../proto/gen/patient_event';
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { logger } from '../commons/logger';
import { ageBand } from './aggregates';
import { AggregateStore } from './aggregate-store';

const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'PatientManagement', serviceName: 'analytics' });
let store: AggregateStore | undefined;

function decode(event: MSKEvent): PatientEvent[] {
  const decoded: PatientEvent[] = [];
  for (const records of Object.values(event.records)) {
    for (const record of records) {
      try {
        const patientEvent = PatientEvent.decode(Buffer.from(record.value, 'base64'));
        if (!patientEvent.eventId) throw new Error('no event id');
        decoded.push(patientEvent);
      } catch (error) {
        // A record no consumer can read must not block the partition forever: skip it, loudly.
        logger.error('Undecodable record skipped', { topic: record.topic, partition: record.partition, offset: record.offset, errorName: (error as Error).name });
      }
    }
  }
  return decoded;
}

function emitMetrics(applied: PatientEvent[]): void {
  const now = new Date();
  const byDimension = new Map<string, number>();
  let registered = 0;
  let deleted = 0;
  for (const e of applied) {
    const sign = e.eventType === 'PATIENT_CREATED' ? 1 : e.eventType === 'PATIENT_DELETED' ? -1 : 0;
    if (sign === 0) continue;
    if (sign > 0) registered++; else deleted++;
    const metric = sign > 0 ? 'PatientRegistered' : 'PatientDeleted';
    for (const [dimension, value] of [['State', e.state], ['AgeBand', e.birthYear ? ageBand(e.birthYear, now) : ''], ['Gender', e.gender || 'unknown']]) {
      if (value) byDimension.set(`${metric}|${dimension}|${value}`, (byDimension.get(`${metric}|${dimension}|${value}`) ?? 0) + 1);
    }
  }
  if (registered) metrics.addMetric('PatientRegistered', MetricUnit.Count, registered);
  if (deleted) metrics.addMetric('PatientDeleted', MetricUnit.Count, deleted);
  metrics.addMetric('EventsProcessed', MetricUnit.Count, applied.length);
  for (const [key, value] of byDimension) {
    const [metric, dimension, dimensionValue] = key.split('|') as [string, string, string];
    const single = metrics.singleMetric();
    single.addDimension(dimension, dimensionValue);
    single.addMetric(metric, MetricUnit.Count, value);
  }
  metrics.publishStoredMetrics();
}

export async function handler(event: MSKEvent): Promise<void> {
  store ??= new AggregateStore(dynamoClient(), tableName('analytics'));
  const events = decode(event);
  const applied = await store.apply(events);
  logger.info('Batch counted', { received: events.length, applied: applied.length, duplicates: events.length - applied.length });
  if (applied.length > 0) emitMetrics(applied);
}
