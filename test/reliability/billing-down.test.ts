/**
 * Fault: billing down during creates. Billing is first frozen (SIGSTOP: calls hang until the deadline),
 * then killed (SIGKILL: connections refused). Every create must still answer 201 and store the patient;
 * once billing is back every patient must read ACTIVE with exactly one account, the one billing holds,
 * and topic patient must hold exactly one PATIENT_CREATED record for each (no repeats while billing was down).
 *
 * The runtime does not restart its billing child, so after the kill a billing server is started here
 * from the same entry point, on the same port and data (as a container orchestrator would restart it).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { billingCaller, useBillingFault } from './support/billing';
import { config } from './support/config';
import { pool } from './support/http';
import { api, childPids, eventually, patientInput, tally } from './support/runtime';
import { loginDemoAdmin } from '../support/http';
import { readPatientTopic } from './support/topic';

describe('fault: billing down during creates', () => {
  const fault = useBillingFault();

  it('stores every patient, and opens exactly one account each once billing is back', async () => {
    const { runtime } = fault;
    const client = api(runtime.baseUrl, await loginDemoAdmin(runtime.baseUrl));
    const { billing } = childPids(runtime.dataDir);
    const half = Math.ceil(config.faultCreates / 2);
    const createAll = (count: number, tag: string) =>
      pool(count, 4, async () => {
        const response = await client.create(patientInput(tag));
        return response.status === 201 ? String(response.body.id) : `status ${response.status}`;
      });

    const duringHang = await fault.whileFrozen(billing, () => createAll(half, 'billing-hung'));

    process.kill(billing, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const duringOutage = await createAll(config.faultCreates - half, 'billing-dead');
    const results = [...duringHang, ...duringOutage];
    const ids = results.filter((r) => !r.startsWith('status'));
    const pendingAtCreate = (await Promise.all(ids.map((id) => client.get(id)))).filter(
      (r) => r.body.billingStatus === 'PENDING',
    ).length;

    // Health tells the outage as problem details naming the component, without addresses or error texts.
    const health = await fetch(`${runtime.baseUrl}/health`);
    const healthBody = await health.text();
    expect([health.status, health.headers.get('content-type')]).toEqual([503, 'application/problem+json']);
    expect(JSON.parse(healthBody).components.billing).toEqual({ status: 'down', reason: 'unreachable' });
    expect(healthBody).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}/);

    await fault.replaceBilling();

    // Every patient ends ACTIVE, without anyone asking.
    const patients = await eventually('every patient ACTIVE', 120_000, async () => {
      const all = await Promise.all(ids.map((id) => client.get(id)));
      return all.every(
        (p) => p.status === 200 && p.body.billingStatus === 'ACTIVE' && typeof p.body.billingAccountId === 'string',
      )
        ? all
        : undefined;
    });

    // Exactly one account each: billing holds one account per patient, the one the patient names,
    // and asking again (idempotent per patient id) returns that same account.
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: runtime.dynamodb,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const caller = billingCaller(runtime.billing);
    let matching = 0;
    try {
      for (const patient of patients) {
        const { Item } = await db.send(
          new GetCommand({ TableName: 'billing-accounts', Key: { patientId: patient.body.id }, ConsistentRead: true }),
        );
        const again = await caller.create({
          patientId: String(patient.body.id),
          name: 'x',
          email: String(patient.body.email),
        });
        if (Item?.accountId === patient.body.billingAccountId && again.accountId === patient.body.billingAccountId)
          matching++;
      }
    } finally {
      caller.close();
      db.destroy();
    }
    // Events do not wait for billing, nor repeat while it is down: one PATIENT_CREATED record per patient.
    const ours = new Set(ids);
    const createdOf = (events: { patientId: string; eventType: string }[]) =>
      events.filter((e) => ours.has(e.patientId) && e.eventType === 'PATIENT_CREATED');
    const created = createdOf(
      await readPatientTopic(
        [runtime.kafka],
        (events) => new Set(createdOf(events).map((e) => e.patientId)).size >= ids.length,
      ),
    );
    tally('billing down', {
      sent: results.length,
      acknowledged: ids.length,
      found: patients.length,
      lost: results.length - matching,
      pendingAtCreate,
      accountsMatching: matching,
      createdRecords: created.length,
    });
    expect(created.map((e) => e.patientId).sort()).toEqual([...ids].sort());
    expect(results.filter((r) => r.startsWith('status'))).toEqual([]);
    expect(pendingAtCreate).toBeGreaterThan(0); // the fault did bite
    expect(matching).toBe(results.length);
  });
});
