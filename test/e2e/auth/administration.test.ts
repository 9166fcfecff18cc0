/**
 * Users and sessions over HTTP against `npm start` (PATCH through the local gateway): an admin disables a
 * user and their token is refused on the next request; a user sees and ends their own logins.
 */
import { login, loginDemoAdmin, request, userWithRole } from '../../support/http';

jest.setTimeout(60_000);

let adminToken: string;
beforeAll(async () => {
  adminToken = await loginDemoAdmin();
});

it('an admin disables a clinician: their token → 401 on the next request, login → 403; the user list shows it', async () => {
  const clinician = await userWithRole('clinician', adminToken);
  expect((await request('GET', '/api/patients', { token: clinician.token })).status).toBe(200);
  const { body: page } = await request('GET', '/api/users?role=clinician&limit=100', { token: adminToken });
  const user = (page.users as { id: string; email: string }[]).find((u) => u.email === clinician.email)!;
  const patched = await request('PATCH', `/api/users/${user.id}`, { token: adminToken, body: { status: 'disabled' } });
  expect([patched.status, patched.body.status]).toEqual([200, 'disabled']);
  expect((await request('GET', '/api/patients', { token: clinician.token })).status).toBe(401);
  expect(
    (await request('POST', '/api/auth/login', { body: { email: clinician.email, password: 'e2e-password-123' } }))
      .status,
  ).toBe(403);
  expect((await request('GET', `/api/users/${user.id}`, { token: adminToken })).body.status).toBe('disabled');
  expect((await request('GET', '/api/users', { token: clinician.token })).status).toBe(401);
});

it('a user lists their logins and ends another one; admin routes are 403 for them', async () => {
  const clinician = await userWithRole('clinician', adminToken);
  const second = await login(clinician.email, 'e2e-password-123');
  const { body } = await request('GET', '/api/auth/sessions', { token: second });
  expect(body.sessions).toHaveLength(2);
  const other = (body.sessions as { id: string; current: boolean }[]).find((s) => !s.current)!;
  expect((await request('DELETE', `/api/auth/sessions/${other.id}`, { token: second })).status).toBe(204);
  expect((await request('GET', '/api/patients', { token: clinician.token })).status).toBe(401);
  expect((await request('GET', '/api/patients', { token: second })).status).toBe(200);
  expect((await request('GET', '/api/users', { token: second })).status).toBe(403);
});
