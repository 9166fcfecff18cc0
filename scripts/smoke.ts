/**
 * Smoke test of a deployed system (AWS, LocalStack or `npm start`): login → create a patient → read it
 * → see it counted in analytics → delete it. Usage:
 *   npm run smoke -- <baseUrl> [--email admin@example.com --password ...]     (default: the local demo admin)
 *   npm run smoke -- --outputs <cdk outputs file> [--endpoint <AWS endpoint, e.g. LocalStack's>]
 * The second form reads the first admin's login (FirstAdminSecretArn, through the AWS SDK) and the base URL
 * from the outputs `cdk deploy --outputs-file` wrote: WebUrl (CloudFront: the web app, and the API on its
 * origin) where the deployment has one, else ApiUrl. `--web`: also check the web app at the base URL (implied by WebUrl). `--wait <seconds>`: how long analytics may take to count
 * the event (default 15; a fresh deploy's Kafka mapping can take minutes to start). Exits 0 when every step passes.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEMO_ADMIN } from '../functions/auth/demo-admin';
import { outputValue, readStackOutputs } from './stack-outputs';

type Step = { name: string; ok: boolean; detail: string };
/** The fields of the API's answers that the smoke test reads (empty for an answer without a body). */
type AnswerBody = { accessToken?: string; id?: string; billingStatus?: string; eventsProcessed?: number };

export async function smoke(
  baseUrl: string,
  email: string,
  password: string,
  log: (line: string) => void = console.log,
  analyticsWaitMs = 15_000,
  options: { webApp?: boolean } = {},
): Promise<Step[]> {
  const steps: Step[] = [];
  const url = (path: string) => `${baseUrl.replace(/\/$/, '')}${path}`;
  const record = (name: string, ok: boolean, detail: string) => {
    steps.push({ name, ok, detail });
    log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
    return ok;
  };
  if (options.webApp) {
    // The app's page, with a Content-Security-Policy that allows no inline script.
    const page = await fetch(url('/'));
    const csp = page.headers.get('content-security-policy') ?? '';
    record(
      'web app',
      page.status === 200 &&
        /^text\/html/.test(page.headers.get('content-type') ?? '') &&
        /script-src 'self'/.test(csp) &&
        !/unsafe-inline/.test(csp),
      `status ${page.status}, ${csp ? 'CSP' : 'no CSP'}`,
    );
  }
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(url(path), {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as AnswerBody };
  };

  const health = await call('GET', '/health');
  if (!record('health', health.status === 200, `status ${health.status}`)) return steps;
  const login = await call('POST', '/api/auth/login', undefined, { email, password });
  if (!record('login', login.status === 200 && Boolean(login.body.accessToken), `status ${login.status}`)) return steps;
  const token = login.body.accessToken as string;

  const before = await call('GET', '/api/analytics', token);
  const unique = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const created = await call('POST', '/api/patients', token, {
    firstName: 'Smoke',
    lastName: 'Test',
    email: `smoke-${unique}@example.com`,
    dateOfBirth: '1990-04-01',
    address: { street: '1 Test Way', city: 'Springfield', state: 'IL', zipCode: '62701' },
  });
  if (
    !record('create patient', created.status === 201, `status ${created.status}, billing ${created.body.billingStatus}`)
  )
    return steps;
  const id = created.body.id as string;
  const read = await call('GET', `/api/patients/${id}`, token);
  record('read patient', read.status === 200 && read.body.id === id, `status ${read.status}`);

  const deadline = Date.now() + analyticsWaitMs;
  let counted = false;
  while (!counted && Date.now() < deadline) {
    const now = await call('GET', '/api/analytics', token);
    counted = now.status === 200 && (now.body.eventsProcessed ?? 0) > (before.body.eventsProcessed ?? 0);
    if (!counted) await new Promise((r) => setTimeout(r, 250));
  }
  record('analytics counts the event', counted, `${counted ? 'within' : 'not within'} ${analyticsWaitMs / 1000} s`);
  const removed = await call('DELETE', `/api/patients/${id}`, token);
  record('delete patient', removed.status === 204, `status ${removed.status}`);
  return steps;
}

/** Base URL and login from a deploy's outputs: the first admin's secret, read with the SDK (at `endpoint` if given). */
async function deployed(
  outputsFile: string,
  endpoint?: string,
): Promise<{ baseUrl: string; email: string; password: string; webApp: boolean }> {
  const outputs = readStackOutputs(outputsFile);
  const webUrl = outputValue(outputs, 'WebUrl');
  const [baseUrl, secretId] = [webUrl ?? outputValue(outputs, 'ApiUrl'), outputValue(outputs, 'FirstAdminSecretArn')];
  if (!baseUrl || !secretId) throw new Error(`${outputsFile} has no ApiUrl and FirstAdminSecretArn outputs`);
  const secrets = new SecretsManagerClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'us-east-1',
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
          },
        }
      : {},
  );
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  return {
    baseUrl,
    webApp: webUrl !== undefined,
    ...(JSON.parse(SecretString ?? '{}') as { email: string; password: string }),
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const outputs = option('--outputs');
  if (!args[0] || (args[0].startsWith('--') && !outputs)) {
    console.error(
      'Usage: npm run smoke -- <baseUrl> [--email E --password P] [--web] | --outputs <file> [--endpoint URL]  [--wait SECONDS]',
    );
    process.exit(2);
  }
  const target = outputs
    ? deployed(outputs, option('--endpoint'))
    : Promise.resolve({
        baseUrl: args[0],
        webApp: args.includes('--web'),
        email: option('--email') ?? process.env.SMOKE_EMAIL ?? DEMO_ADMIN.email,
        password: option('--password') ?? process.env.SMOKE_PASSWORD ?? DEMO_ADMIN.password,
      });
  void target
    .then(({ baseUrl, email, password, webApp }) =>
      smoke(baseUrl, email, password, console.log, Number(option('--wait') ?? 15) * 1000, { webApp }),
    )
    .then((steps) => process.exit(steps.every((s) => s.ok) && steps.length >= 6 ? 0 : 1))
    .catch((error: Error) => {
      console.error(`smoke: ${error.message}`);
      process.exit(1);
    });
}
