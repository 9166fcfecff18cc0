/** The web app in Chromium for each role: what a clinician and a patient see, the admin's users page, my sessions, and 375 px. */
import { randomUUID } from 'node:crypto';
import { login, mailedCode, patientInput, request } from '../../support/http';
import { ADMIN, browserForFile, expectAccessible, navigation, rowWith, signedInApp, waitForRows } from './support';

const PASSWORD = 'web-e2e-password-1';

describe('web app by role', () => {
  const setup = browserForFile();

  async function staffUser(role: 'clinician' | 'admin') {
    const email = `web.${role}.${randomUUID().slice(0, 8)}@e2e.test`;
    const created = await request('POST', '/api/auth/signup', {
      token: setup.adminToken(),
      body: { email, password: PASSWORD, role },
    });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, email, password: PASSWORD };
  }

  it('a clinician sees patients and analytics, may edit but not delete, and does not see who saw a record', async () => {
    const clinician = await staffUser('clinician');
    const patient = (await request('POST', '/api/patients', { token: setup.adminToken(), body: patientInput() })).body;
    const app = await signedInApp(setup.browser(), clinician, `/patients/${patient.id}`);
    const { page } = app;
    expect(await navigation(page)).toEqual(['Patients', 'Analytics', 'My sessions']);
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.getByRole('link', { name: 'Edit patient' }).waitFor();
    await page.getByRole('button', { name: 'Record transaction' }).waitFor();
    expect(await page.getByRole('button', { name: 'Delete patient' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Who saw this record' }).count()).toBe(0);
    await expectAccessible(app);
    await page.goto(page.url().replace(/\/patients\/.*$/, '/users'));
    await page.getByRole('heading', { name: 'Patients' }).waitFor(); // no users page for a clinician
    await app.context.close();
  });

  it('a patient sees only their own record, billing and access log, and nothing to change', async () => {
    const email = `web.patient.${randomUUID().slice(0, 8)}@e2e.test`;
    const own = (
      await request('POST', '/api/patients', {
        token: setup.adminToken(),
        body: patientInput({ email, firstName: 'Pia', lastName: 'Own' }),
      })
    ).body;
    const other = (await request('POST', '/api/patients', { token: setup.adminToken(), body: patientInput() })).body;
    expect((await request('POST', '/api/auth/signup', { body: { email, password: PASSWORD } })).status).toBe(201);
    expect(
      (await request('POST', '/api/auth/verify-email', { body: { email, code: await mailedCode(email) } })).status,
    ).toBe(204);

    const app = await signedInApp(setup.browser(), { email, password: PASSWORD });
    const { page } = app;
    expect(await navigation(page)).toEqual(['Patients', 'My sessions']);
    await rowWith(page, email).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.getByText('New patient').count()).toBe(0);
    await expectAccessible(app);

    await rowWith(page, email).getByRole('link').click();
    await page.getByRole('heading', { name: 'Pia Own' }).waitFor();
    for (const heading of ['Record', 'Billing account', 'History', 'Who saw this record'])
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await page.getByRole('cell', { name: 'READ' }).first().waitFor();
    for (const action of ['Edit patient', 'Delete patient', 'Record transaction'])
      expect(await page.getByText(action).count()).toBe(0);
    await expectAccessible(app);

    await page.goto(page.url().replace(own.id, other.id));
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    expect(await page.getByText(other.email).count()).toBe(0);
    await app.context.close();
  });

  it("an admin changes a user's role, disables them and ends their sessions on the users page", async () => {
    const target = await staffUser('clinician');
    const targetToken = await login(target.email, target.password);
    const app = await signedInApp(setup.browser(), ADMIN, '/users');
    const { page } = app;
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    // Newest first: the user just made is on the first page.
    await rowWith(page, target.email).waitFor();
    await expectAccessible(app);

    await page.getByRole('button', { name: `End sessions of ${target.email}` }).click();
    await page.getByRole('status').filter({ hasText: target.email }).waitFor();
    expect((await request('GET', '/api/auth/validate', { token: targetToken })).status).toBe(401);

    await page.getByLabel(`Role of ${target.email}`).selectOption('patient');
    const readUser = async () => (await request('GET', `/api/users/${target.id}`, { token: setup.adminToken() })).body;
    for (let i = 0; i < 50 && (await readUser()).role !== 'patient'; i++) await page.waitForTimeout(100);
    expect((await readUser()).role).toBe('patient');

    await page.getByRole('button', { name: `Disable ${target.email}` }).click();
    await page.getByRole('button', { name: `Enable ${target.email}` }).waitFor();
    expect((await readUser()).status).toBe('disabled');
    await app.context.close();
  });

  it('lists my sessions and ends another one at once', async () => {
    const user = await staffUser('clinician');
    const other = await request('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
    const app = await signedInApp(setup.browser(), user, '/sessions');
    const { page } = app;
    await page.getByText('(this session)').waitFor();
    await waitForRows(page, 2);
    await expectAccessible(app);
    await page.getByRole('button', { name: /^End session from/ }).click();
    await waitForRows(page, 1);
    expect((await request('GET', '/api/auth/validate', { token: other.body.accessToken })).status).toBe(401);
    await page.getByRole('link', { name: 'Patients' }).click();
    await page.getByRole('table').waitFor(); // this session goes on
    await app.context.close();
  });

  it('is usable 375 px wide: the navigation and the patients table fit, the page does not scroll sideways', async () => {
    const app = await signedInApp(setup.browser(), ADMIN, '/patients', { width: 375 });
    const { page } = app;
    await page.getByRole('table').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    for (const link of await page.getByRole('navigation', { name: 'Main' }).getByRole('link').all())
      expect(await link.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await expectAccessible(app);
    await page.getByText('New patient').click();
    await page.getByRole('button', { name: 'Save' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);

    // A patient's page: its tables scroll sideways in regions the keyboard can reach.
    const patient = (await request('POST', '/api/patients', { token: setup.adminToken(), body: patientInput() })).body;
    const charged = await request('POST', `/api/patients/${patient.id}/billing/transactions`, {
      token: setup.adminToken(),
      body: { type: 'CHARGE', amount: 12_345, description: 'A consultation with a long description' },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(charged.status).toBe(201);
    await page.goto(page.url().replace(/\/patients.*$/, `/patients/${patient.id}`));
    for (const table of ['History', 'Transactions', 'Who saw this record']) {
      const region = page.getByRole('region', { name: `${table} table`, exact: true });
      await region.getByRole('table').waitFor();
      expect(await region.getAttribute('tabindex')).toBe('0');
    }
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await expectAccessible(app);
    await app.context.close();
  });
});
