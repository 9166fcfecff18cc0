/**
 * Through the API, as a user would: writes become events on topic "patient" (in order per key, readable
 * with the original proto) and analytics reflects them within 5 seconds.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import protobuf from 'protobufjs';
import { login, loginDemoAdmin, request } from '../../support/http';

const ORIGINAL_PROTO = `syntax = "proto3"; package patient.events;
message PatientEvent { string patientId = 1; string name = 2; string email = 3; string event_type = 4; }`;
const Original = protobuf.parse(ORIGINAL_PROTO, { keepCase: true }).root.lookupType('patient.events.PatientEvent');

type Figures = {
  totalPatients: number;
  eventsProcessed: number;
  byState: Record<string, number>;
  byGender: Record<string, number>;
  byAgeBand: Record<string, number>;
};

async function analytics(token: string): Promise<Figures> {
  const response = await request('GET', '/api/analytics', { token });
  expect(response.status).toBe(200);
  return response.body;
}

async function eventually(token: string, check: (f: Figures) => boolean): Promise<Figures> {
  const deadline = Date.now() + 5000; // the contract: analytics catches up within 5 seconds locally
  let figures = await analytics(token);
  while (!check(figures) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    figures = await analytics(token);
  }
  return figures;
}

const input = (email: string, state: string) => ({
  firstName: 'Event',
  lastName: 'Tester',
  email,
  dateOfBirth: '2001-05-05',
  gender: 'other',
  address: { street: '1 Log Lane', city: 'Offset', state, zipCode: '00001' },
});

describe('events and analytics through the API', () => {
  let token: string;
  let consumer: Consumer;
  const seen: { key: string; event: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    token = await loginDemoAdmin();
    const kafka = new Kafka({ brokers: [process.env.E2E_KAFKA_BROKERS!], logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: `e2e-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'patient', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ key: message.key!.toString(), event: Original.toObject(Original.decode(message.value!)) });
      },
    });
  });
  afterAll(() => consumer.disconnect());

  it('publishes create, update and delete in order, and analytics counts each once within 5 s', async () => {
    const before = await analytics(token);
    const state = `Z${randomUUID().slice(0, 4).toUpperCase()}`;
    const email = `events.${randomUUID().slice(0, 8)}@e2e.test`;
    const created = await request('POST', '/api/patients', { token, body: input(email, state) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const afterCreate = await eventually(token, (f) => f.byState[state] === 1);
    expect(afterCreate.byState[state]).toBe(1);
    expect(afterCreate.totalPatients).toBe(before.totalPatients + 1);
    expect(afterCreate.byGender.other).toBe((before.byGender.other ?? 0) + 1);
    expect(afterCreate.byAgeBand['18-34']).toBe(before.byAgeBand['18-34']! + 1);

    const updated = await request('PUT', `/api/patients/${id}`, { token, body: input(email, `${state}X`) });
    expect(updated.status).toBe(200);
    const afterUpdate = await eventually(token, (f) => f.byState[`${state}X`] === 1);
    expect(afterUpdate.byState[state]).toBeUndefined();
    expect(afterUpdate.totalPatients).toBe(before.totalPatients + 1);

    expect((await request('DELETE', `/api/patients/${id}`, { token })).status).toBe(204);
    const afterDelete = await eventually(token, (f) => f.byState[`${state}X`] === undefined);
    expect(afterDelete.totalPatients).toBe(before.totalPatients);
    expect(afterDelete.eventsProcessed).toBeGreaterThanOrEqual(before.eventsProcessed + 3);

    const deadline = Date.now() + 5000;
    while (seen.filter((s) => s.key === id).length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const mine = seen.filter((s) => s.key === id).map((s) => s.event);
    expect(mine).toEqual([
      { patientId: id, name: 'Event Tester', email, event_type: 'PATIENT_CREATED' },
      { patientId: id, name: 'Event Tester', email, event_type: 'PATIENT_UPDATED' },
      { patientId: id, name: 'Event Tester', email, event_type: 'PATIENT_DELETED' },
    ]);
  });

  it('keeps analytics from the patient role', async () => {
    const email = `viewer.${randomUUID().slice(0, 8)}@e2e.test`;
    expect((await request('POST', '/api/auth/signup', { body: { email, password: 'viewer-password-1' } })).status).toBe(
      201,
    );
    const patientToken = await login(email, 'viewer-password-1');
    const response = await request('GET', '/api/analytics', { token: patientToken });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
