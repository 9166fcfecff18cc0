/**
 * Patient API figures, against one `npm start` runtime:
 * - GET /api/patients/{id} through the gateway at concurrency 32 (autocannon) vs a raw client issuing the
 *   same DynamoDB operations per request (the authorizer's access-state BatchGetItem, the patient GetItem, the
 *   audit TransactWriteItems) at the same concurrency, against the same DynamoDB Local;
 * - POST /api/patients p99 vs the p99 of the bare calls it makes (access-state BatchGetItem, the create
 *   transaction, CreateBillingAccount over gRPC, the PENDING → ACTIVE update, the audit transaction).
 * The raw client uses the function's own DynamoDB adapters, so the operations are the very same ones.
 */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { BenchModule } from '../lib/context';
import { patientInput, type BenchContext } from '../lib/context';
import { bareClients } from '../lib/dynamo';
import { billingCaller } from '../lib/grpc';
import { closedLoop, httpLoad } from '../lib/load';
import { comparison, figure, type Row } from '../lib/report';
import { median } from '../lib/stats';
import { accessStateKeys } from '../lib/access-state';
import { DynamoPatientRepository } from '../../functions/patients/adapters/dynamo-patient-repository';
import { auditShards } from '../../functions/patients/adapters/audit-items';
import { DynamoAuditLog } from '../../functions/patients/adapters/dynamo-audit-log';
import { newPatient } from '../../functions/patients/domain/patient';
import type { PatientInput } from '../../functions/patients/schemas';

const GET_CONCURRENCY = 32;
const POST_CONCURRENCY = Number(process.env.BENCH_POST_CONCURRENCY ?? 8);

async function run(ctx: BenchContext) {
  const runtime = await ctx.runtime();
  const token = await ctx.adminToken();
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const created = await fetch(`${runtime.baseUrl}/api/patients`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(patientInput()),
  });
  if (created.status !== 201) throw new Error(`POST /api/patients answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };

  const { client, doc } = bareClients(runtime.dynamodb);
  const repository = new DynamoPatientRepository(doc, 'patients');
  const audit = new DynamoAuditLog(doc, 'audit', auditShards());
  const billing = billingCaller(runtime.billing);
  const accessStateInput = { RequestItems: { sessions: { Keys: accessStateKeys(token), ConsistentRead: true } } };
  const caller = { userId: 'bench', role: 'admin', requestId: 'bench' };
  const rows: Row[] = [];
  try {
    const rawRead = async () => {
      await doc.send(new BatchGetCommand(accessStateInput));
      await repository.get(id);
      await audit.append({
        ...caller,
        action: 'READ',
        outcome: 'SUCCESS',
        patientId: id,
        at: new Date().toISOString(),
      });
    };
    const rawCreate = async () => {
      await doc.send(new BatchGetCommand(accessStateInput));
      const patient = newPatient(patientInput('raw') as unknown as PatientInput, randomUUID(), new Date());
      await repository.create(patient);
      const { accountId } = await billing.create({
        patientId: patient.id,
        name: `${patient.firstName} ${patient.lastName}`,
        email: patient.email,
      });
      await repository.activateBilling(patient, accountId);
      await audit.append({
        ...caller,
        action: 'CREATE',
        outcome: 'SUCCESS',
        patientId: patient.id,
        at: new Date().toISOString(),
      });
    };
    // Warm-up: connections, JIT, DynamoDB Local's own caches.
    await httpLoad({
      url: `${runtime.baseUrl}/api/patients/${id}`,
      headers: auth,
      connections: GET_CONCURRENCY,
      seconds: 2,
    });
    await closedLoop(GET_CONCURRENCY, 2, rawRead);

    const gateway: number[] = [];
    const raw: number[] = [];
    const getP99: number[] = [];
    const postP99: number[] = [];
    const bareP99: number[] = [];
    const postRps: number[] = [];
    let failures = 0;
    for (let round = 0; round < ctx.rounds; round++) {
      const g = await httpLoad({
        url: `${runtime.baseUrl}/api/patients/${id}`,
        headers: auth,
        connections: GET_CONCURRENCY,
        seconds: ctx.seconds,
      });
      const r = await closedLoop(GET_CONCURRENCY, ctx.seconds, rawRead);
      gateway.push(g.rps);
      getP99.push(g.p99);
      raw.push(r.rps);
      const p = await httpLoad({
        url: `${runtime.baseUrl}/api/patients`,
        method: 'POST',
        headers: json,
        bodyOf: () => JSON.stringify(patientInput('post')),
        connections: POST_CONCURRENCY,
        seconds: ctx.seconds,
      });
      const b = await closedLoop(POST_CONCURRENCY, ctx.seconds, rawCreate);
      postP99.push(p.p99);
      postRps.push(p.rps);
      bareP99.push(b.p99);
      failures += g.failures + r.failures + p.failures + b.failures;
      ctx.log(
        `round ${round + 1}: GET ${g.rps.toFixed(0)}/s vs raw ${r.rps.toFixed(0)}/s; POST p99 ${p.p99.toFixed(0)} ms vs bare ${b.p99.toFixed(0)} ms`,
      );
    }
    rows.push(
      comparison(
        `GET /api/patients/{id} at c=${GET_CONCURRENCY}`,
        median(gateway),
        median(raw),
        'req/s',
        '>=',
        0.6,
        'raw DynamoDB client',
      ),
    );
    rows.push(figure(`GET /api/patients/{id} p99 at c=${GET_CONCURRENCY}`, median(getP99), 'ms'));
    rows.push(
      comparison(
        `POST /api/patients p99 at c=${POST_CONCURRENCY}`,
        median(postP99),
        median(bareP99),
        'ms',
        '<=',
        1.5,
        'bare DynamoDB + gRPC calls p99',
      ),
    );
    rows.push(figure(`POST /api/patients at c=${POST_CONCURRENCY}`, median(postRps), 'req/s'));
    if (failures) rows.push(figure('failed requests during the patient rounds', failures));
  } finally {
    billing.close();
    client.destroy();
  }
  return {
    rows,
    notes: [
      `GET: autocannon, ${GET_CONCURRENCY} connections, ${ctx.seconds} s per round, with the demo admin's token; raw: ${GET_CONCURRENCY} workers each doing access-state BatchGetItem → patient GetItem (consistent) → audit TransactWriteItems with the patients function's own adapters.`,
      `POST: autocannon, ${POST_CONCURRENCY} connections, a new patient per request; bare: access-state BatchGetItem → create TransactWriteItems → CreateBillingAccount (gRPC) → PENDING→ACTIVE UpdateItem → audit TransactWriteItems, ${POST_CONCURRENCY} workers. Creates also feed the stream → publisher → Kafka → analytics path in the background, for both.`,
    ],
  };
}

const module: BenchModule = { name: 'patients', run };
export default module;
