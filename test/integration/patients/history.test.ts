/**
 * Record history against DynamoDB Local: every write keeps its stored state in the same transaction
 * (create, update, billing activation, deletion), GET /api/patients/{id}/history serves one entry per
 * version newest first, races with billing leave exact states, and no version item reaches a stream
 * reader as a patient change (no event, no billing call).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { startBillingServer, type BillingServer } from '../../../billing/src/server';
import { freePort } from '../../../local/ports';
import { startStreamPoller } from '../../../local/pollers/stream-poller';
import { DynamoPatientRepository } from '../../../functions/patients/adapters/dynamo-patient-repository';
import { dynamoClient } from '../../../functions/commons/clients/dynamo';
import { changeOf, needsBilling, toPatientEvent } from '../../../functions/patients/streams/patient-events';
import { PatientHistory } from '../../../functions/patients/schemas';
import { useLocalTables } from '../../support/tables';
import { admin, client, clinician, patientUser, validInput } from './api-events';

let call: ReturnType<typeof client>;
let tables: Awaited<ReturnType<typeof useLocalTables>>;
let repository: DynamoPatientRepository;
let billing: BillingServer | undefined;
let billingPort = 0;

const startBilling = async () => {
  billing = await startBillingServer({
    port: billingPort,
    tableName: tables['billing-accounts'],
    transactionsTableName: tables['billing-transactions'],
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    drainTimeoutMs: 1000,
  });
};
const stopBilling = async () => {
  await billing?.stop();
  billing = undefined;
};

beforeAll(async () => {
  tables = await useLocalTables();
  process.env.CURSOR_KEY = 'integration-test-cursor-key';
  billingPort = await freePort();
  process.env.BILLING_ADDRESS = `127.0.0.1:${billingPort}`;
  await startBilling();
  const { handler } = await import('../../../functions/patients/handler');
  call = client(handler);
  repository = new DynamoPatientRepository(dynamoClient(), tables.patients);
});

afterAll(async () => {
  await stopBilling();
  const { billingClient } = await import('../../../functions/commons/clients/billing');
  billingClient().close();
});

/** The version items of a patient, oldest first, straight from the table. */
async function versionItems(id: string) {
  const { Items } = await dynamoClient().send(
    new QueryCommand({
      TableName: tables.patients,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': `PATIENT#${id}`, ':v': 'VERSION#' },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

async function createOk(overrides: Record<string, unknown> = {}) {
  const response = await call({ method: 'POST', body: validInput(overrides) });
  expect(response.status).toBe(201);
  return response.body;
}

const history = (id: string, caller = admin) => call({ method: 'GET', id, sub: 'history', caller });

describe('GET /api/patients/{id}/history', () => {
  it('serves every version newest first, each as it read; create and billing activation both leave a stored state', async () => {
    const created = await createOk();
    expect(created.billingStatus).toBe('ACTIVE');
    const v2 = (
      await call({ method: 'PUT', id: created.id, body: validInput({ email: created.email, firstName: 'Second' }) })
    ).body;
    const v3 = (
      await call({
        method: 'PUT',
        id: created.id,
        body: validInput({ email: created.email, firstName: 'Third' }),
        headers: { 'If-Match': '"2"' },
      })
    ).body;

    const response = await history(created.id, clinician);
    expect(response.status).toBe(200);
    expect(PatientHistory.safeParse(response.body).success).toBe(true);
    expect(response.body.versions).toEqual([v3, v2, created]);

    const items = await versionItems(created.id);
    expect(items.map((i) => [i.sk, i.revision, i.billingStatus])).toEqual([
      ['VERSION#0000000001#0', 'WRITTEN', 'PENDING'],
      ['VERSION#0000000001#1', 'BILLING', 'ACTIVE'],
      ['VERSION#0000000002#0', 'WRITTEN', 'ACTIVE'],
      ['VERSION#0000000003#0', 'WRITTEN', 'ACTIVE'],
    ]);
    for (const item of items) {
      expect(item.entity).toBe('VERSION');
      expect(Object.keys(item).filter((k) => k.startsWith('gsi'))).toEqual([]);
    }
  });

  it("keeps a deleted record's history readable for staff (its deletion stored as a state), 404 once unknown", async () => {
    const created = await createOk();
    const v2 = (
      await call({
        method: 'PUT',
        id: created.id,
        body: validInput({ email: created.email, lastName: 'Before-Delete' }),
      })
    ).body;
    expect((await call({ method: 'DELETE', id: created.id })).status).toBe(204);
    expect((await call({ method: 'GET', id: created.id })).status).toBe(404);

    for (const caller of [admin, clinician]) {
      const response = await history(created.id, caller);
      expect(response.status).toBe(200);
      expect(response.body.versions).toEqual([v2, created]);
    }
    const states = await repository.history(created.id);
    expect(states[0]).toMatchObject({ version: 2, deletedAt: expect.any(String), lastName: 'Before-Delete' });
    expect(states[0]!.updatedAt).toBe(states[0]!.deletedAt);
    expect(await repository.version(created.id, 2)).toEqual({ ...v2 });
    expect(await repository.version(created.id, 1)).toEqual(created);
    expect(await repository.version(created.id, 3)).toBeUndefined();

    expect((await history('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await history('not-a-uuid')).status).toBe(404);
  });

  it("a patient reads only their own live record's history; another's, a deleted one, or before verifying → 404", async () => {
    const own = await createOk({ email: `hist.own.${Date.now()}@example.com` });
    const other = await createOk();
    const me = patientUser(own.email);
    expect((await history(own.id, me)).body.versions).toEqual([own]);
    expect((await history(other.id, me)).status).toBe(404);
    expect((await history(own.id, { ...me, emailVerified: false })).status).toBe(404);
    expect((await call({ method: 'DELETE', id: own.id })).status).toBe(204);
    expect((await history(own.id, me)).status).toBe(404);
  });

  it('writes no state when the change fails: a stale If-Match, a taken email', async () => {
    const created = await createOk();
    const taken = await createOk();
    expect(
      (
        await call({
          method: 'PUT',
          id: created.id,
          body: validInput({ email: created.email }),
          headers: { 'If-Match': '"7"' },
        })
      ).status,
    ).toBe(412);
    expect((await call({ method: 'PUT', id: created.id, body: validInput({ email: taken.email }) })).status).toBe(409);
    expect((await versionItems(created.id)).map((i) => i.sk)).toEqual(['VERSION#0000000001#0', 'VERSION#0000000001#1']);
  });

  it('writes the state in the same transaction as the change: a state that cannot be written leaves the record as it was', async () => {
    const created = await createOk();
    // A stored state already where version 2 would go: the update's transaction must fail as a whole.
    await dynamoClient().send(
      new PutCommand({
        TableName: tables.patients,
        Item: { pk: `PATIENT#${created.id}`, sk: 'VERSION#0000000002#0', entity: 'VERSION' },
      }),
    );
    const update = await call({
      method: 'PUT',
      id: created.id,
      body: validInput({ email: created.email, firstName: 'Never' }),
    });
    expect(update.status).toBeGreaterThanOrEqual(500);
    expect((await call({ method: 'GET', id: created.id })).body).toEqual(created);
  });
});

describe('races with billing activation', () => {
  it('an update that read PENDING stores the ACTIVE billing a concurrent activation wrote', async () => {
    await stopBilling();
    const created = await createOk();
    await startBilling();
    expect(created.billingStatus).toBe('PENDING');
    const read = (await repository.get(created.id))!;
    expect(await repository.activateBilling(read, 'acct-race-1')).toBe(true);

    const stored = await repository.replace({ ...read, firstName: 'Raced', version: 2 }, 1, read.email);
    expect(stored).toMatchObject({
      version: 2,
      firstName: 'Raced',
      billingStatus: 'ACTIVE',
      billingAccountId: 'acct-race-1',
    });
    expect(await repository.get(created.id)).toMatchObject({
      billingStatus: 'ACTIVE',
      billingAccountId: 'acct-race-1',
      version: 2,
    });
    expect(
      (await history(created.id)).body.versions.map((v: { version: number; billingStatus: string }) => [
        v.version,
        v.billingStatus,
      ]),
    ).toEqual([
      [2, 'ACTIVE'],
      [1, 'ACTIVE'],
    ]);
  });

  it('an activation that read an older version activates on top of the update, and a delete keeps billing as stored', async () => {
    await stopBilling();
    const created = await createOk();
    await startBilling();
    const stale = (await repository.get(created.id))!;
    const updated = (
      await call({ method: 'PUT', id: created.id, body: validInput({ email: created.email, firstName: 'Newer' }) })
    ).body;
    expect(await repository.activateBilling(stale, 'acct-race-2')).toBe(true);
    expect(await repository.activateBilling(stale, 'acct-race-2')).toBe(false);
    const v2 = await repository.version(created.id, 2);
    expect(v2).toEqual({ ...updated, billingStatus: 'ACTIVE', billingAccountId: 'acct-race-2' });

    // A delete that read the record PENDING still stores the ACTIVE state it actually deleted.
    await repository.softDelete(updated, new Date());
    const [deleted] = await repository.history(created.id);
    expect(deleted).toMatchObject({ version: 2, billingStatus: 'ACTIVE', deletedAt: expect.any(String) });
    expect(await repository.activateBilling(v2!, 'acct-late')).toBe(false);
  });
});

describe('stream readers', () => {
  it('see version items but never take them for patient changes: no event, no billing call', async () => {
    const records: DynamoDBRecord[] = [];
    const poller = await startStreamPoller({
      endpoint: process.env.DYNAMODB_ENDPOINT!,
      tableName: tables.patients,
      dataDir: mkdtempSync(join(tmpdir(), 'history-stream-')),
      handler: async (event) => {
        records.push(...event.Records);
        return { batchItemFailures: [] };
      },
    });
    try {
      await stopBilling();
      const created = await createOk(); // PENDING: its version item says PENDING too
      await startBilling();
      await call({ method: 'PUT', id: created.id, body: validInput({ email: created.email }) });
      expect(await repository.activateBilling((await repository.get(created.id))!, 'acct-stream')).toBe(true);
      expect((await call({ method: 'DELETE', id: created.id })).status).toBe(204);

      const mine = () => records.filter((r) => JSON.stringify(r.dynamodb?.Keys ?? {}).includes(created.id));
      const deadline = Date.now() + 20_000;
      while (mine().filter((r) => r.dynamodb?.NewImage?.entity?.S === 'VERSION').length < 4 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const versions = mine().filter((r) => r.dynamodb?.NewImage?.entity?.S === 'VERSION');
      expect(versions).toHaveLength(4);
      for (const record of versions) expect(changeOf(record)).toBeNull();

      const changes = mine()
        .map(changeOf)
        .filter((c) => c !== null);
      expect(changes.map((c) => toPatientEvent(c)?.eventType).filter(Boolean)).toEqual([
        'PATIENT_CREATED',
        'PATIENT_UPDATED',
        'PATIENT_DELETED',
      ]);
      const billed = changes.filter(needsBilling);
      expect(billed.length).toBeGreaterThan(0);
      expect(billed.every((c) => c.newImage?.entity === 'PATIENT')).toBe(true);
    } finally {
      await poller.stop();
    }
  });
});
