/**
 * The billing hop over TLS, as deployed on AWS: the server with a certificate issued by a private CA
 * made by the same code as the deploy-time custom resource, the functions' billing client trusting that
 * CA (BILLING_TLS_CA), the container's HEALTHCHECK script. Plaintext or another CA is refused; a new
 * server certificate from the same CA is trusted as it is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { status } from '@grpc/grpc-js';
import { certificateAuthority, serverCertificate, type TlsIdentity } from '../../../system/tls-certificate';
import { billingClient } from '../../../functions/commons/clients/billing';
import { freePort } from '../../../local/ports';
import { useLocalTables } from '../../support/tables';
import { originalClient, rejectionOf, startTestServer } from './support';

jest.setTimeout(30_000);
const ROOT = resolve(__dirname, '../../..');
const patient = () => ({ patientId: randomUUID(), name: 'Ada Tls', email: 'ada.tls@example.test' });

let authority: TlsIdentity;
let identity: TlsIdentity;
let server: Awaited<ReturnType<typeof startTestServer>>;
const saved = { ...process.env };

beforeAll(async () => {
  authority = await certificateAuthority('test billing CA', 30);
  identity = await serverCertificate(authority, ['billing.patient-test.internal', 'localhost', '127.0.0.1'], 30);
  server = await startTestServer({ tls: identity });
});
afterEach(() => {
  billingClient().close();
  process.env = { ...saved };
});
afterAll(() => server.stop());

const trusting = (certificate: string) =>
  Object.assign(process.env, {
    BILLING_ADDRESS: server.address,
    BILLING_TLS_CA: certificate,
    BILLING_TLS_SERVER_NAME: 'billing.patient-test.internal',
  });

it("the functions' client opens accounts over TLS when it trusts the authority that issued the server's certificate", async () => {
  trusting(authority.certificate);
  const request = patient();
  const first = await billingClient().createBillingAccount(request);
  expect(first.status).toBe('ACTIVE');
  expect(await billingClient().createBillingAccount(request)).toEqual(first);
});

it('a server certificate renewed by the same authority is trusted at once: rotation needs nothing of the clients', async () => {
  const renewed = await startTestServer({
    tls: await serverCertificate(authority, ['billing.patient-test.internal'], 30),
  });
  try {
    Object.assign(process.env, {
      BILLING_ADDRESS: renewed.address,
      BILLING_TLS_CA: authority.certificate,
      BILLING_TLS_SERVER_NAME: 'billing.patient-test.internal',
    });
    expect((await billingClient().createBillingAccount(patient())).status).toBe('ACTIVE');
  } finally {
    await renewed.stop();
  }
});

it('refuses a server whose certificate another authority issued, and a plaintext client gets no answer', async () => {
  trusting((await certificateAuthority('another CA', 30)).certificate);
  const other = await rejectionOf(billingClient({ maxAttempts: 1 }).createBillingAccount(patient()));
  expect(other.code).toBe(status.UNAVAILABLE);

  const plaintext = originalClient(server.address);
  try {
    expect((await rejectionOf(plaintext.create(patient()))).code).toBe(status.UNAVAILABLE);
  } finally {
    plaintext.close();
  }
});

it('refuses a certificate issued for another host name', async () => {
  Object.assign(process.env, {
    BILLING_ADDRESS: server.address,
    BILLING_TLS_CA: authority.certificate,
    BILLING_TLS_SERVER_NAME: 'billing.elsewhere.internal',
  });
  expect((await rejectionOf(billingClient({ maxAttempts: 1 }).createBillingAccount(patient()))).code).toBe(
    status.UNAVAILABLE,
  );
});

it('the container entry point serves TLS from BILLING_TLS_CERT/KEY, and its HEALTHCHECK passes against it', async () => {
  const port = await freePort();
  const env = {
    ...process.env,
    BILLING_PORT: String(port),
    BILLING_HOST: '127.0.0.1',
    ...(await (async () => {
      const t = await useLocalTables();
      return { BILLING_ACCOUNTS_TABLE: t['billing-accounts'], BILLING_TRANSACTIONS_TABLE: t['billing-transactions'] };
    })()),
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    BILLING_TLS_CERT: identity.certificate,
    BILLING_TLS_KEY: identity.privateKey,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'billing/src/main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((ready, fail) => {
      let logged = '';
      child.stdout.on('data', (chunk: Buffer) => {
        logged += chunk.toString();
        if (logged.includes('"tlsCertificateDaysLeft":29')) ready();
      });
      child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
    });
    const healthcheck = (extra: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'billing/src/healthcheck.ts')], {
        cwd: ROOT,
        env: { ...process.env, BILLING_PORT: String(port), ...extra },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const passed = healthcheck({ BILLING_TLS_CA: authority.certificate });
    expect([passed.status, passed.stderr]).toEqual([0, '']);
    expect(healthcheck({}).status).toBe(1); // plaintext against the TLS port
  } finally {
    child.kill('SIGKILL');
  }
});

it('the server will not start with half a TLS identity', () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BILLING_ACCOUNTS_TABLE: 'billing-accounts',
    BILLING_TRANSACTIONS_TABLE: 'billing-transactions',
    BILLING_TLS_CERT: identity.certificate,
  };
  delete env.BILLING_TLS_KEY;
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'billing/src/main.ts')], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  expect(result.stdout + result.stderr).toContain('BILLING_TLS_CERT and BILLING_TLS_KEY go together');
});
