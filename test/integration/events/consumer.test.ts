/** The analytics consumer against DynamoDB Local with real aws:kafka events: exactly once per event id. */
import type { Context, MSKEvent } from 'aws-lambda';
import { PatientEvent } from '../../../proto/gen/patient_event';
import { handler as consume } from '../../../functions/analytics/consumer-handler';
import { handler as query } from '../../../functions/analytics/query-handler';
import { mskEvent, toMskRecord } from '../../../local/pollers/kafka-poller';
import { useLocalTables } from '../../support/tables';

const base: PatientEvent = {
  patientId: '',
  name: 'N',
  email: 'e@x.io',
  eventType: 'PATIENT_CREATED',
  eventId: '',
  occurredAt: '2026-03-01T10:00:00.000Z',
  schemaVersion: 2,
  state: 'CA',
  birthYear: 1980,
  gender: 'female',
  registeredDate: '2026-03-01',
  beforeState: '',
  beforeBirthYear: 0,
  beforeGender: '',
  beforeRegisteredDate: '',
  version: 1,
};

function kafkaEvent(events: PatientEvent[]): MSKEvent {
  return mskEvent(
    ['127.0.0.1:9092'],
    events.map((e, i) =>
      toMskRecord('patient', i % 3, {
        key: Buffer.from(e.patientId),
        value: Buffer.from(PatientEvent.encode(e).finish()),
        offset: String(i),
        timestamp: String(Date.now()),
        attributes: 0,
        headers: { eventType: e.eventType },
        size: 0,
      } as never),
    ),
  );
}

async function figures() {
  const response = await query(
    {
      resource: '/api/analytics',
      httpMethod: 'GET',
      headers: {},
      requestContext: { authorizer: { userId: 'u', email: 'a@x.io', role: 'admin' } },
    } as never,
    {} as Context,
  );
  return JSON.parse(response.body);
}

describe('analytics consumer', () => {
  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    await useLocalTables();
  });

  it('counts a batch once, and a redelivered batch changes nothing', async () => {
    const events = Array.from({ length: 150 }, (_, i) => ({
      ...base,
      patientId: `p${i}`,
      eventId: `created-${i}`,
      state: i % 2 ? 'CA' : 'NY',
    }));
    const batch = kafkaEvent(events);
    await consume(batch);
    const once = await figures();
    expect(once).toEqual(
      expect.objectContaining({
        totalPatients: 150,
        eventsProcessed: 150,
        byState: { CA: 75, NY: 75 },
        byGender: { female: 150 },
      }),
    );
    expect(once.registrationsByDay).toEqual([{ date: '2026-03-01', count: 150 }]);

    await consume(batch); // the event source retries a whole batch
    await consume(
      kafkaEvent([...events.slice(0, 10), { ...base, patientId: 'p-new', eventId: 'created-new', state: 'TX' }]),
    );
    const after = await figures();
    expect(after.totalPatients).toBe(151);
    expect(after.eventsProcessed).toBe(151);
    expect(after.byState).toEqual({ CA: 75, NY: 75, TX: 1 });
  });

  it('moves updates and removes deletes', async () => {
    const before = await figures();
    await consume(
      kafkaEvent([
        {
          ...base,
          patientId: 'p1',
          eventId: 'upd-1',
          eventType: 'PATIENT_UPDATED',
          state: 'WA',
          beforeState: 'CA',
          beforeGender: 'female',
          beforeBirthYear: 1980,
          beforeRegisteredDate: '2026-03-01',
          version: 2,
        },
        {
          ...base,
          patientId: 'p2',
          eventId: 'del-2',
          eventType: 'PATIENT_DELETED',
          state: 'NY',
          beforeState: 'NY',
          beforeGender: 'female',
          beforeBirthYear: 1980,
          beforeRegisteredDate: '2026-03-01',
        },
      ]),
    );
    const after = await figures();
    expect(after.totalPatients).toBe(before.totalPatients - 1);
    expect(after.byState.CA).toBe(before.byState.CA - 1);
    expect(after.byState.WA).toBe(1);
    expect(after.byState.NY).toBe(before.byState.NY - 1);
    expect(after.eventsProcessed).toBe(before.eventsProcessed + 2);
  });

  it('skips a record nobody can decode instead of blocking the partition', async () => {
    const before = await figures();
    const event = kafkaEvent([{ ...base, patientId: 'p-ok', eventId: 'ok-1' }]);
    event.records['patient-0']!.push({
      ...event.records['patient-0']![0]!,
      offset: 99,
      value: Buffer.from([0xff, 0xff, 0xff]).toString('base64'),
    });
    await consume(event);
    expect((await figures()).eventsProcessed).toBe(before.eventsProcessed + 1);
  });
});
