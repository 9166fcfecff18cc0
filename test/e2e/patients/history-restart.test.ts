/**
 * History and the audit trail survive a restart of `npm start` (they live in DynamoDB Local's data folder).
 * Runs its own runtime, twice.
 */
import { loginDemoAdmin } from '../../support/http';
import { startRuntimeProcess } from '../../support/runtime-process';

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

it('keeps every version and audit entry across a restart', async () => {
  const input = {
    firstName: 'Rhea',
    lastName: 'Start',
    email: `restart.${Date.now()}@e2e.test`,
    dateOfBirth: '1975-01-02',
    address: { street: '1 Way', city: 'Salem', state: 'OR', zipCode: '97301' },
  };
  const first = await startRuntimeProcess();
  let id: string;
  let history: unknown;
  let audit: { entries: { id: string }[] };
  try {
    const token = await loginDemoAdmin(first.baseUrl);
    const created = await call(first.baseUrl, 'POST', '/api/patients', token, input);
    expect(created.status).toBe(201);
    id = created.body.id;
    expect(
      (
        await call(first.baseUrl, 'PUT', `/api/patients/${id}`, token, {
          ...input,
          address: { ...input.address, city: 'Eugene' },
        })
      ).status,
    ).toBe(200);
    expect((await call(first.baseUrl, 'DELETE', `/api/patients/${id}`, token)).status).toBe(204);
    history = (await call(first.baseUrl, 'GET', `/api/patients/${id}/history`, token)).body;
    audit = (await call(first.baseUrl, 'GET', `/api/patients/${id}/audit?limit=100`, token)).body;
  } finally {
    expect(await first.stop()).toBe(0);
  }

  const second = await startRuntimeProcess({ dataDir: first.dataDir, fresh: false });
  try {
    const token = await loginDemoAdmin(second.baseUrl);
    const after = await call(second.baseUrl, 'GET', `/api/patients/${id}/history`, token);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(history);
    expect(
      after.body.versions.map((v: { version: number; address: { city: string } }) => [v.version, v.address.city]),
    ).toEqual([
      [2, 'Eugene'],
      [1, 'Salem'],
    ]);
    const entries = (await call(second.baseUrl, 'GET', `/api/patients/${id}/audit?limit=100`, token)).body.entries as {
      id: string;
    }[];
    // Newest first: the history read just now, the audit read before the restart, then every entry read then.
    expect(entries.slice(2)).toEqual(audit.entries);
    const everywhere = (await call(second.baseUrl, 'GET', `/api/audit?patientId=${id}&action=DELETE`, token)).body
      .entries;
    expect(everywhere).toEqual([expect.objectContaining({ action: 'DELETE', outcome: 'SUCCESS', patientId: id })]);
  } finally {
    await second.stop();
  }
});
