/**
 * Runs every operation the system performs against the metering in-memory DynamoDB, through the project's
 * own adapters and use cases (so the items are the real builders' and the keys the real key functions'),
 * on synthetic records, and profiles each: units per operation and per partition key value.
 *
 * Nothing here knows a key: a list page is whatever the patients repository reads for it (every shard
 * of the list index, if the index is sharded), a search whatever it reads for the prefix, and so on.
 */
import { tables, type TableDefinition } from '../../system/tables';
import { DynamoSessionStore } from '../../functions/auth/adapters/dynamo-session-store';
import { DynamoUserRepository } from '../../functions/auth/adapters/dynamo-user-repository';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../functions/auth/domain/access-token';
import { loginEndsAt, refreshExpiresAt } from '../../functions/auth/domain/login-state';
import { throttleDecision } from '../../functions/auth/domain/login-throttle';
import { DUMMY_HASH } from '../../functions/auth/domain/password';
import { refreshTokenHash } from '../../functions/auth/domain/refresh-token';
import type { UserRecord } from '../../functions/auth/ports';
import { throttleKey } from '../../functions/auth/use-cases/login';
import { toBillingEvent } from '../../functions/billing/streams/billing-events';
import { DynamoAuditLog } from '../../functions/patients/adapters/dynamo-audit-log';
import { DynamoIdempotencyStore } from '../../functions/patients/adapters/dynamo-idempotency-store';
import { DynamoPatientRepository } from '../../functions/patients/adapters/dynamo-patient-repository';
import {
  fingerprintOf,
  newPatient,
  replacedPatient,
  searchTerms,
  type PatientRecord,
} from '../../functions/patients/domain/patient';
import type { AuditRecord } from '../../functions/patients/ports';
import { changeOf, toPatientEvent } from '../../functions/patients/streams/patient-events';
import { DynamoAccountRepository } from '../../billing/src/adapters/dynamo-account-repository';
import { DynamoLedgerRepository } from '../../billing/src/adapters/dynamo-ledger-repository';
import { openBillingAccount } from '../../billing/src/use-cases/billing-accounts';
import { Ledger } from '../../billing/src/use-cases/ledger';
import { BillingEvent } from '../../proto/gen/billing_event';
import { PatientEvent } from '../../proto/gen/patient_event';
import { MemoryDynamo } from './memory-dynamo';
import { keyPattern } from './keys';
import { measureAnalytics } from './analytics-runs';
import type { Operation } from './operation';
import { ProfileBuilder, type Profile } from './profile';
import { itemSize } from './units';
import { Random, TODAY, patientInput, searchPrefix } from './synthetic';
import {
  ANALYTICS_QUERIES_PER_READ,
  IDEMPOTENCY_KEYS_PER_CREATE,
  LEDGER_TRANSACTIONS_PER_PATIENT_WRITE,
  LOGIN_SECONDS,
  PAGE_SIZE,
  READ_MIX,
  SECONDS_BETWEEN_REQUESTS,
  WRITE_MIX,
  type Load,
} from './workload';

export interface ModelOptions {
  /** Synthetic patients (and samples of the per-record operations). */
  samples: number;
  seed: number;
  /** Write shards of the audit index `recent`, as deployed. */
  auditShards: number;
  /** Write shards of the patients' list and search indexes, as deployed. */
  patientShards: { list: number; search: number };
  /** Partitions of each Kafka topic, as deployed. */
  topicPartitions: number;
}

/** Per second: API requests that reach a function behind the authorizer, and patient-data requests (audited). */
export function requestRates(load: Load): { patients: number; billing: number; analytics: number; all: number } {
  const patients = load.writes + load.reads;
  const billing = load.writes * LEDGER_TRANSACTIONS_PER_PATIENT_WRITE;
  const analytics = load.reads * ANALYTICS_QUERIES_PER_READ;
  return { patients, billing, analytics, all: patients + billing + analytics };
}

/** A clock that moves on by a millisecond each time it is read, from the synthetic "today". */
function steppingClock() {
  let at = Date.parse(`${TODAY}T09:00:00Z`);
  return { now: () => new Date(at++) };
}

const constant = (profile: Profile) => () => profile;

/** The largest item of one kind (table, partition key pattern, sort key pattern) the runs left behind. */
export interface LargestItem {
  kind: string;
  bytes: number;
}

export interface Measurements {
  operations: Operation[];
  /** The largest items stored, one per kind, largest first. */
  largestItems: LargestItem[];
}

export async function measureOperations(options: ModelOptions): Promise<Measurements> {
  const random = new Random(options.seed);
  const db = new MemoryDynamo(tablesByName());
  const client = db as never;
  const clock = steppingClock();
  const patients = new DynamoPatientRepository(client, 'patients', options.patientShards);
  const audit = new DynamoAuditLog(client, 'audit', options.auditShards);
  const idempotency = new DynamoIdempotencyStore(client, 'idempotency', clock);
  const sessions = new DynamoSessionStore(client, 'sessions');
  const userRepository = new DynamoUserRepository(client, { users: 'users', sessions: 'sessions' });
  const accounts = new DynamoAccountRepository(client, 'billing-accounts');
  const ledger = new Ledger(
    new DynamoLedgerRepository(client, { accounts: 'billing-accounts', transactions: 'billing-transactions' }, 'USD'),
    {
      now: () => clock.now(),
      newId: () => random.uuid(),
    },
  );
  const n = options.samples;
  const sample = <T>(items: readonly T[]) => random.pick(items);

  // ---- staff and their logins ---------------------------------------------------------------------------
  // Requests are spread over the signed-in users: a quarter as many as there are synthetic patients, each
  // logged in once. At the design load that is ~46 requests/s per user, far more than a person sends (the aws
  // profile's WAF allows one address 2,000 requests per 5 minutes), so user-keyed partitions are measured heavy.
  const users = Math.max(500, n / 4);
  const staff: UserRecord[] = [];
  for (let i = 0; i < users; i++) {
    const user: UserRecord = {
      id: random.uuid(),
      email: `staff${i}@clinic.example.org`,
      role: i % 20 === 0 ? 'admin' : 'clinician',
      passwordHash: DUMMY_HASH,
      createdAt: clock.now().toISOString(),
      emailVerified: true,
    };
    await userRepository.create(user);
    staff.push(user);
  }
  interface Login {
    id: string;
    user: UserRecord;
    refreshHash: string;
    endsAt: number;
  }
  const logins: Login[] = [];
  const login = new ProfileBuilder();
  for (const user of staff) {
    const source = `198.51.100.${random.int(250)}`;
    // What login() does around the password check (functions/auth/use-cases/login.ts), its hashing left out.
    login.add(
      await db.measure(async () => {
        const key = throttleKey(user.email, source);
        const found = await userRepository.findByEmail(user.email);
        const seen = await sessions.loginAttempts(key);
        const now = clock.now().getTime();
        const decision = throttleDecision(seen, now);
        if (decision.kind === 'count')
          await sessions.reserveLoginAttempt(key, seen, { id: random.uuid(), at: now, ...decision });
        const startedAt = now;
        const endsAt = loginEndsAt(found!.role, startedAt);
        const entry: Login = { id: random.uuid(), user, refreshHash: refreshTokenHash(random.uuid()), endsAt };
        await sessions.startFamily(
          { id: entry.id, userId: user.id, startedAt, endsAt, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' },
          { refreshHash: entry.refreshHash, refreshExpiresAt: refreshExpiresAt(user.role, now, endsAt) },
        );
        await sessions.clearLoginFailures(key);
        await userRepository.recordLogin(user.id, new Date(startedAt).toISOString());
        logins.push(entry);
      }),
    );
  }

  // ---- patients: create (with billing account and idempotency key) -------------------------------------
  const create = new ProfileBuilder();
  const openAccount = new ProfileBuilder();
  const idempotencyKey = new ProfileBuilder();
  const live: PatientRecord[] = [];
  for (let i = 0; i < n; i++) {
    const input = patientInput(random, i);
    const patient = newPatient(input, random.uuid(), clock.now());
    const caller = sample(staff);
    const key = `${caller.id}\n${random.uuid()}`;
    const claimed = await db.measure(() => idempotency.begin(key, fingerprintOf(input)));
    const stored = await db.measure(() => patients.create(patient));
    const opened = await db.measure(() =>
      openBillingAccount(accounts, {
        patientId: patient.id,
        name: `${patient.firstName} ${patient.lastName}`,
        email: patient.email,
      }),
    );
    const accountId = opened.result.account.accountId;
    const activated = await db.measure(() => patients.activateBilling(patient, accountId));
    const result: PatientRecord = { ...patient, billingStatus: 'ACTIVE', billingAccountId: accountId };
    const completed = await db.measure(() => idempotency.complete(key, result));
    create.add(stored, activated);
    openAccount.add(opened);
    idempotencyKey.add(claimed, completed);
    live.push(result);
  }

  // ---- patient reads ------------------------------------------------------------------------------------
  const get = new ProfileBuilder();
  for (let i = 0; i < n / 2; i++) {
    const p = sample(live);
    get.add(await db.measure(() => patients.get(p.id)));
  }
  const pageSamples = Math.max(200, n / 10);
  const list = new ProfileBuilder();
  for (let i = 0; i < pageSamples; i++) list.add(await db.measure(() => patients.page({ limit: PAGE_SIZE })));
  const listByState = new ProfileBuilder();
  for (let i = 0; i < pageSamples; i++) {
    const state = sample(live).address.state;
    listByState.add(await db.measure(() => patients.page({ limit: PAGE_SIZE, state })));
  }
  const search = new ProfileBuilder();
  for (let i = 0; i < pageSamples * 2; i++) {
    const terms = Object.values(searchTerms(sample(live)));
    const prefix = searchPrefix(random, terms);
    search.add(await db.measure(() => patients.page({ limit: PAGE_SIZE, search: prefix })));
  }
  const history = new ProfileBuilder();
  for (let i = 0; i < pageSamples; i++) {
    const p = sample(live);
    history.add(await db.measure(() => patients.history(p.id)));
  }

  // ---- patient updates and deletes ----------------------------------------------------------------------
  const update = new ProfileBuilder();
  for (let i = 0; i < n / 4; i++) {
    const index = random.int(live.length);
    const current = live[index]!;
    const moved = random.next() < 0.05;
    const input = {
      firstName: current.firstName,
      lastName: current.lastName,
      email: random.next() < 0.03 ? `new.${i}.${current.email}` : current.email,
      dateOfBirth: current.dateOfBirth,
      address: moved
        ? patientInput(random, n + i).address
        : { ...current.address, street: `${100 + random.int(9900)} Main St` },
      ...(current.phoneNumber ? { phoneNumber: current.phoneNumber } : {}),
      ...(current.gender ? { gender: current.gender } : {}),
    };
    const next = replacedPatient(current, input, clock.now());
    update.add(await db.measure(() => patients.replace(next, current.version, current.email)));
    live[index] = next;
  }
  const remove = new ProfileBuilder();
  for (let i = 0; i < n / 10; i++) {
    const [current] = live.splice(random.int(live.length), 1);
    remove.add(await db.measure(() => patients.softDelete(current!, clock.now())));
  }

  // ---- audit entries: one per audited request, in the mix of requests ---------------------------------
  const auditEntry = new ProfileBuilder();
  const auditActions: readonly (readonly [AuditRecord['action'] | 'LEDGER', number])[] = [
    ['CREATE', WRITE_MIX.create],
    ['UPDATE', WRITE_MIX.update],
    ['DELETE', WRITE_MIX.delete],
    ['READ', READ_MIX.get * 10],
    ['LIST', (READ_MIX.list + READ_MIX.listByState + READ_MIX.search) * 10],
    ['HISTORY', READ_MIX.history * 10],
    ['LEDGER', LEDGER_TRANSACTIONS_PER_PATIENT_WRITE],
  ];
  for (let i = 0; i < n; i++) {
    const action = random.weighted(auditActions);
    const caller = sample(staff);
    const base = {
      userId: caller.id,
      role: caller.role,
      requestId: random.uuid(),
      outcome: 'SUCCESS' as const,
      at: clock.now().toISOString(),
    };
    const record: AuditRecord =
      action === 'LIST'
        ? { ...base, action, patientIds: Array.from({ length: PAGE_SIZE }, () => sample(live).id) }
        : action === 'LEDGER'
          ? { ...base, action: 'CREATE', resource: 'BILLING', patientId: sample(live).id }
          : { ...base, action, patientId: sample(live).id };
    auditEntry.add(await db.measure(() => audit.append(record)));
  }

  // ---- the authorizer's check, refreshes ----------------------------------------------------------------
  const authorizerCheck = new ProfileBuilder();
  for (let i = 0; i < n; i++) {
    const l = sample(logins);
    // The same BatchGetItem (FAMILY# and ACCOUNT#, consistent) as functions/authorizer/login-access.ts.
    authorizerCheck.add(await db.measure(() => sessions.accessState(l.id, l.user.id)));
  }
  const refresh = new ProfileBuilder();
  for (let i = 0; i < n / 10; i++) {
    const l = sample(logins);
    // The reads and the write of refresh() (functions/auth/use-cases/refresh.ts) for a token that names its login and
    // user: one BatchGetItem (token, login, account) beside the user's GetItem, then the rotation. Signing left out.
    refresh.add(
      await db.measure(async () => {
        const { record } = await sessions.refreshState(l.refreshHash, l.id, l.user.id);
        const user = await userRepository.findById(l.user.id);
        const now = clock.now().getTime();
        const next = refreshTokenHash(random.uuid());
        await sessions.rotate(
          l.refreshHash,
          record!,
          { refreshHash: next, refreshExpiresAt: refreshExpiresAt(user!.role, now, l.endsAt) },
          now,
        );
        l.refreshHash = next;
      }),
    );
  }

  // ---- the ledger --------------------------------------------------------------------------------------
  const ledgerTransaction = new ProfileBuilder();
  for (let i = 0; i < n / 4; i++) {
    const p = sample(live);
    const type = random.next() < 0.65 ? 'CHARGE' : 'PAYMENT';
    ledgerTransaction.add(
      await db.measure(() =>
        ledger.record({
          patientId: p.id,
          idempotencyKey: random.uuid(),
          type,
          amount: 1000 + random.int(50_000),
          currency: '',
          description: type === 'CHARGE' ? 'Office visit, established patient' : 'Card payment',
          serviceDate: '',
          createdBy: sample(staff).id,
        }),
      ),
    );
  }

  // ---- analytics: the events the writes above published, consumed in batches per partition ----------
  const patientEvents = db
    .streamOf('patients')
    .map(changeOf)
    .map((change) => (change ? toPatientEvent(change) : null))
    .filter((e): e is PatientEvent => e !== null);
  const billingEvents = [...db.streamOf('billing-accounts'), ...db.streamOf('billing-transactions')]
    .map(toBillingEvent)
    .filter((e): e is BillingEvent => e !== null);
  const analytics = await measureAnalytics({
    patientEvents,
    billingEvents,
    random,
    clock,
    samples: n,
    partitions: options.topicPartitions,
  });

  const requests = (load: Load) => requestRates(load);
  const operations: Operation[] = [
    {
      name: 'create patient',
      component: 'patients',
      rate: (l) => l.writes * WRITE_MIX.create,
      profile: constant(create.build()),
      request: 'patients',
      lambda: { fn: 'patients', ms: 80 },
    },
    {
      name: 'update patient',
      component: 'patients',
      rate: (l) => l.writes * WRITE_MIX.update,
      profile: constant(update.build()),
      request: 'patients',
      lambda: { fn: 'patients', ms: 50 },
    },
    {
      name: 'delete patient',
      component: 'patients',
      rate: (l) => l.writes * WRITE_MIX.delete,
      profile: constant(remove.build()),
      request: 'patients',
      lambda: { fn: 'patients', ms: 40 },
    },
    {
      name: 'get patient',
      component: 'patients',
      rate: (l) => l.reads * READ_MIX.get,
      profile: constant(get.build()),
      request: 'patients',
      lambda: { fn: 'patients', ms: 20 },
    },
    {
      name: 'list page',
      component: 'patients',
      rate: (l) => l.reads * READ_MIX.list,
      profile: constant(list.build()),
      request: 'patients',
      lambda: { fn: 'patients', ms: 40 },
    },
    {
      name: 'list page by state',
      component: 'patients',
      rate: (l) => l.reads * READ_MIX.listByState,
      profile: constant(listByState.build()),
      request: 'patients',
      lambda: { fn: 'patients', ms: 40 },
    },
    {
      name: 'search',
      component: 'patients',
      rate: (l) => l.reads * READ_MIX.search,
      profile: constant(search.build()),
      request: 'patients',
      lambda: { fn: 'patients', ms: 50 },
    },
    {
      name: 'history',
      component: 'patients',
      rate: (l) => l.reads * READ_MIX.history,
      profile: constant(history.build()),
      request: 'patients',
      lambda: { fn: 'patients', ms: 30 },
    },
    {
      name: 'idempotency key (POST)',
      component: 'patients',
      rate: (l) => l.writes * WRITE_MIX.create * IDEMPOTENCY_KEYS_PER_CREATE,
      profile: constant(idempotencyKey.build()),
    },
    {
      name: 'audit entry',
      component: 'audit',
      rate: (l) => requests(l).patients + requests(l).billing,
      profile: constant(auditEntry.build()),
    },
    {
      name: 'authorizer check',
      component: 'auth',
      rate: (l) => requests(l).all,
      profile: constant(authorizerCheck.build()),
      lambda: { fn: 'authorizer', ms: 5 },
    },
    {
      name: 'login',
      component: 'auth',
      rate: (l) => (requests(l).all * SECONDS_BETWEEN_REQUESTS) / LOGIN_SECONDS,
      profile: constant(login.build()),
      request: 'auth',
      lambda: { fn: 'auth', ms: 350 },
    },
    {
      name: 'refresh',
      component: 'auth',
      rate: (l) => (requests(l).all * SECONDS_BETWEEN_REQUESTS) / ACCESS_TOKEN_TTL_SECONDS,
      profile: constant(refresh.build()),
      request: 'auth',
      lambda: { fn: 'auth', ms: 30 },
    },
    {
      name: 'billing account open',
      component: 'billing',
      rate: (l) => l.writes * WRITE_MIX.create,
      profile: constant(openAccount.build()),
    },
    {
      name: 'ledger transaction',
      component: 'billing',
      rate: (l) => requests(l).billing,
      profile: constant(ledgerTransaction.build()),
      request: 'billing',
      lambda: { fn: 'billing-api', ms: 40 },
    },
    ...analytics.batches,
    {
      name: 'analytics query',
      component: 'analytics',
      rate: (l) => requests(l).analytics,
      profile: constant(analytics.query),
      request: 'analytics',
      lambda: { fn: 'analytics-query', ms: 100 },
    },
  ];
  return { operations, largestItems: largestItems([db, ...analytics.tables]) };
}

/** The largest item of each kind in some in-memory tables (kinds: table, and the patterns of both keys). */
function largestItems(dbs: MemoryDynamo[]): LargestItem[] {
  const largest = new Map<string, number>();
  for (const db of dbs)
    for (const definition of Object.values(tables))
      for (const item of db.itemsOf(definition.name)) {
        const pk = keyPattern(String(item[definition.partitionKey.name]));
        const sk = definition.sortKey ? ` / ${keyPattern(String(item[definition.sortKey.name]))}` : '';
        const kind = `${definition.name} ${pk}${sk}`;
        largest.set(kind, Math.max(largest.get(kind) ?? 0, itemSize(item)));
      }
  return [...largest].map(([kind, bytes]) => ({ kind, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** The tables by the names the adapters are given here: their short names. */
function tablesByName(): Record<string, TableDefinition> {
  return Object.fromEntries(Object.values(tables).map((t) => [t.name, t]));
}
