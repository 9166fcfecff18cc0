/**
 * Smoke test of a deployed system (AWS, LocalStack or `npm start`): login → create a patient → read it
 * → see it counted in analytics → delete it. Usage:
 *   npx tsx scripts/smoke.ts <baseUrl> [--email admin@example.com --password ...]
 * (defaults to the local demo admin). Exits 0 when every step passes.
 */
type Step = { name: string; ok: boolean; detail: string };

export async function smoke(baseUrl: string, email: string, password: string, log: (line: string) => void = console.log): Promise<Step[]> {
  const steps: Step[] = [];
  const url = (path: string) => `${baseUrl.replace(/\/$/, '')}${path}`;
  const record = (name: string, ok: boolean, detail: string) => { steps.push({ name, ok, detail }); log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`); return ok; };
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(url(path), {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  const health = await call('GET', '/health');
  if (!record('health', health.status === 200, `status ${health.status}`)) return steps;
  const login = await call('POST', '/api/auth/login', undefined, { email, password });
  if (!record('login', login.status === 200 && Boolean(login.body?.accessToken), `status ${login.status}`)) return steps;
  const token = login.body.accessToken as string;

  const before = await call('GET', '/api/analytics', token);
  const unique = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const created = await call('POST', '/api/patients', token, {
    firstName: 'Smoke', lastName: 'Test', email: `smoke-${unique}@example.com`, dateOfBirth: '1990-04-01',
    address: { street: '1 Test Way', city: 'Springfield', state: 'IL', zipCode: '62701' },
  });
  if (!record('create patient', created.status === 201, `status ${created.status}, billing ${created.body?.billingStatus}`)) return steps;
  const id = created.body.id as string;
  const read = await call('GET', `/api/patients/${id}`, token);
  record('read patient', read.status === 200 && read.body?.id === id, `status ${read.status}`);

  const deadline = Date.now() + 15_000;
  let counted = false;
  while (!counted && Date.now() < deadline) {
    const now = await call('GET', '/api/analytics', token);
    counted = now.status === 200 && now.body.eventsProcessed > (before.body?.eventsProcessed ?? 0);
    if (!counted) await new Promise((r) => setTimeout(r, 250));
  }
  record('analytics counts the event', counted, counted ? 'within 15 s' : 'not within 15 s');
  const removed = await call('DELETE', `/api/patients/${id}`, token);
  record('delete patient', removed.status === 204, `status ${removed.status}`);
  return steps;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const baseUrl = args[0];
  const option = (name: string, fallback: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] ?? fallback : fallback; };
  if (!baseUrl) {
    console.error('Usage: npx tsx scripts/smoke.ts <baseUrl> [--email E --password P]');
    process.exit(2);
  }
  void smoke(baseUrl, option('--email', process.env.SMOKE_EMAIL ?? 'testuser@test.com'), option('--password', process.env.SMOKE_PASSWORD ?? 'password123'))
    .then((steps) => process.exit(steps.every((s) => s.ok) && steps.length >= 6 ? 0 : 1));
}
