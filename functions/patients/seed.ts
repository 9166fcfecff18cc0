/**
 * Demo patients for `npm start` (local only, never deployed). Created through the createPatient use case,
 * so they get billing accounts, audit records and PATIENT_CREATED events like any other patient.
 * Idempotent: a marker item records that the demo set was seeded, so a demo patient deleted by hand
 * does not come back on the next start; an email already taken is skipped.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { logger } from '../commons/logger';
import { PatientError } from './domain/errors';
import { patientPorts } from './ports-from-env';
import type { PatientPorts } from './ports';
import type { PatientInput } from './schemas';
import { createPatient } from './use-cases';

const MARKER = { pk: 'SEED#demo-patients', sk: 'SEED' };

export const DEMO_PATIENTS: PatientInput[] = [
  {
    firstName: 'John',
    lastName: 'Doe',
    email: 'john.doe@example.com',
    dateOfBirth: '1985-06-15',
    gender: 'male',
    address: { street: '123 Main St', city: 'Springfield', state: 'IL', zipCode: '62701' },
    phoneNumber: '+1 (217) 555-0101',
    registeredDate: '2024-01-10',
  },
  {
    firstName: 'Jane',
    lastName: 'Smith',
    email: 'jane.smith@example.com',
    dateOfBirth: '1990-09-23',
    gender: 'female',
    address: { street: '456 Elm St', city: 'Los Angeles', state: 'CA', zipCode: '90001' },
    phoneNumber: '+1 (213) 555-0102',
    registeredDate: '2024-02-14',
  },
  {
    firstName: 'Alice',
    lastName: 'Johnson',
    email: 'alice.johnson@example.com',
    dateOfBirth: '1948-03-12',
    gender: 'female',
    address: { street: '789 Oak St', city: 'Austin', state: 'TX', zipCode: '73301' },
    registeredDate: '2024-03-01',
  },
  {
    firstName: 'Bob',
    lastName: 'Brown',
    email: 'bob.brown@example.com',
    dateOfBirth: '2012-11-30',
    gender: 'male',
    address: { street: '321 Pine St', city: 'San Diego', state: 'CA', zipCode: '92101' },
    phoneNumber: '619-555-0104',
  },
  {
    firstName: 'Sam',
    lastName: 'Taylor',
    email: 'sam.taylor@example.com',
    dateOfBirth: '1970-07-04',
    gender: 'other',
    address: { street: '654 Maple Ave', city: 'Brooklyn', state: 'NY', zipCode: '11201' },
  },
];

const SEED_CONTEXT = {
  caller: { userId: 'system:seed', email: 'seed@localhost', role: 'admin' as const, emailVerified: true },
  requestId: 'seed',
};

export async function seedDemoPatients(ports: PatientPorts = patientPorts()): Promise<number> {
  const db = dynamoClient();
  const table = tableName('patients');
  const { Item } = await db.send(new GetCommand({ TableName: table, Key: MARKER, ConsistentRead: true }));
  if (Item) return 0;
  let created = 0;
  for (const input of DEMO_PATIENTS) {
    try {
      await createPatient(ports, SEED_CONTEXT, { input: () => input });
      created++;
    } catch (error) {
      if (!(error instanceof PatientError && error.kind === 'EMAIL_TAKEN')) throw error;
    }
  }
  await db.send(
    new PutCommand({ TableName: table, Item: { ...MARKER, entity: 'SEED', seededAt: new Date().toISOString() } }),
  );
  logger.info('Demo patients seeded', { created });
  return created;
}
