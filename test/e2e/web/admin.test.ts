/** The web app in Chromium as the demo admin: sign-in (by keyboard too), tokens never readable, reload, patients, forms, 412, billing, delete, analytics. */
import { randomUUID } from 'node:crypto';
import { patientInput, request } from '../../support/http';
import {
  ADMIN,
  browserForFile,
  expectAccessible,
  navigation,
  openApp,
  readableStorage,
  rowWith,
  signedInApp,
  until,
  waitForRows,
} from './support';

describe('web app as admin', () => {
  const setup = browserForFile();

  const createPatient = async (overrides: Record<string, unknown> = {}) =>
    (await request('POST', '/api/patients', { token: setup.adminToken(), body: patientInput(overrides) })).body;

  it('signs in with the keyboard alone, keeps no token where scripts can read it, and stays signed in across a reload', async () => {
    const app = await openApp(setup.browser());
    const { page } = app;
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectAccessible(app);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.labels?.[0]?.textContent')).toBe('Email');
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await navigation(page)).toEqual(['Patients', 'Analytics', 'Users', 'My sessions']);

    // The refresh token is in a cookie Chromium accepted as Secure on loopback, and no script can read it.
    const cookies = await app.context.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({
        name: '__Secure-pms-refresh',
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
        path: '/api/auth',
      }),
    ]);
    expect(await readableStorage(page)).toEqual({ local: '{}', session: '{}', cookie: '' });

    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('table').waitFor();
    expect(await readableStorage(page)).toEqual({ local: '{}', session: '{}', cookie: '' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await app.context.cookies()).toEqual([]);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor(); // signed out stays signed out
    await app.context.close();
  });

  it('lists patients with search, a state filter and paging, a row per patient with name and email', async () => {
    const prefix = `Zq${randomUUID().slice(0, 6)}`;
    const created = [];
    for (let i = 0; i < 21; i++) {
      created.push(
        await createPatient({
          lastName: `${prefix}${String(i).padStart(2, '0')}`,
          address: { street: '1 Page St', city: 'Salem', state: i === 0 ? 'WA' : 'OR', zipCode: '97301' },
        }),
      );
    }
    const app = await signedInApp(setup.browser(), ADMIN);
    const { page } = app;
    await page.getByRole('table').waitFor();
    await expectAccessible(app);

    await page.getByLabel('Search').fill(prefix.toLowerCase());
    // Until the search is applied (the box settles before it asks): the unfiltered first page may show
    // created[0] too, and a click on "Next page" before the search applies pages the unfiltered list.
    await until('the first 20 patients of the search', async () => {
      const rows = await page.locator('tbody tr').allInnerTexts();
      return rows.length === 20 && rows.every((row) => row.includes(prefix));
    });
    const first = created[0];
    expect(await rowWith(page, first.email).innerText()).toContain(`${first.firstName} ${first.lastName}`);
    await page.getByRole('button', { name: 'Next page' }).click();
    await waitForRows(page, 1);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await waitForRows(page, 20);

    await page.getByLabel('Filter by state').fill('WA');
    await waitForRows(page, 1);
    expect(await rowWith(page, first.email).count()).toBe(1);
    await app.context.close();
  });

  it("shows the API's message for a malformed email at the sign-in form's Email field", async () => {
    const app = await openApp(setup.browser());
    const { page } = app;
    await page.getByLabel('Email', { exact: true }).fill('not-an-email');
    await page.getByLabel('Password', { exact: true }).fill('whatever it is');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const email = page.getByLabel('Email', { exact: true });
    await until('the email marked invalid', async () => (await email.getAttribute('aria-invalid')) === 'true');
    const apiMessage = (
      await request('POST', '/api/auth/login', { body: { email: 'not-an-email', password: 'whatever it is' } })
    ).body.errors.find((e: { field: string }) => e.field === 'email').message;
    expect(await page.locator(`#${await email.getAttribute('aria-describedby')}`).innerText()).toBe(apiMessage);
    await expectAccessible(app);
    await app.context.close();
  });

  it('shows an email another patient already has (409) at the Email field', async () => {
    const taken = (await request('POST', '/api/patients', { token: setup.adminToken(), body: patientInput() })).body;
    const app = await signedInApp(setup.browser(), ADMIN);
    const { page } = app;
    await page.getByText('New patient').click();
    const input = patientInput({ email: taken.email }) as { [field: string]: string } & {
      address: Record<string, string>;
    };
    for (const [label, value] of [
      ['First name', input.firstName],
      ['Last name', input.lastName],
      ['Email', input.email],
      ['Date of birth', input.dateOfBirth],
      ['Street', input.address.street],
      ['City', input.address.city],
      ['State', input.address.state],
      ['ZIP code', input.address.zipCode],
    ] as const)
      await page.getByLabel(label, { exact: true }).fill(value!);
    await page.getByRole('button', { name: 'Save' }).click();
    const email = page.getByLabel('Email', { exact: true });
    await until('the email marked invalid', async () => (await email.getAttribute('aria-invalid')) === 'true');
    expect(await page.locator(`#${await email.getAttribute('aria-describedby')}`).innerText()).toBe(
      'Another patient already has this email address',
    );
    await app.context.close();
  });

  it("shows the API's message at the field it rejects, then creates the patient and shows its page: record, billing, history, who saw it", async () => {
    const app = await signedInApp(setup.browser(), ADMIN);
    const { page } = app;
    await page.getByText('New patient').click();
    await page.getByRole('button', { name: 'Save' }).waitFor();
    await expectAccessible(app);
    const input = patientInput({ email: 'not-an-email', phoneNumber: '555-0100', gender: 'male' }) as {
      firstName: string;
      lastName: string;
      email: string;
      dateOfBirth: string;
      phoneNumber: string;
      address: Record<string, string>;
    };
    const fill = async (values: typeof input) => {
      await page.getByLabel('First name').fill(values.firstName);
      await page.getByLabel('Last name').fill(values.lastName);
      await page.getByLabel('Email').fill(values.email);
      await page.getByLabel('Date of birth').fill(values.dateOfBirth);
      await page.getByLabel('Street').fill(values.address.street!);
      await page.getByLabel('City').fill(values.address.city!);
      await page.getByLabel('State').fill(values.address.state!);
      await page.getByLabel('ZIP code').fill(values.address.zipCode!);
      await page.getByLabel('Phone number').fill(values.phoneNumber);
      await page.getByLabel('Gender').selectOption('male');
    };
    await fill(input);
    await page.getByRole('button', { name: 'Save' }).click();
    const apiMessage = (
      await request('POST', '/api/patients', { token: setup.adminToken(), body: input })
    ).body.errors.find((e: { field: string }) => e.field === 'email').message;
    await page.getByText(apiMessage).waitFor();
    // At the field: its accessible description, and marked invalid.
    const email = page.getByLabel('Email');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await email.getAttribute('aria-describedby')}`).innerText()).toBe(apiMessage);
    await expectAccessible(app);

    const valid = { ...input, email: `web.${randomUUID().slice(0, 8)}@e2e.test` };
    await page.getByLabel('Email').fill(valid.email);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: `${valid.firstName} ${valid.lastName}` }).waitFor();
    for (const heading of ['Record', 'Billing account', 'Transactions', 'History', 'Who saw this record']) {
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    }
    await page.getByText(valid.email).first().waitFor();
    await page.getByRole('cell', { name: 'CREATE' }).first().waitFor();
    await expectAccessible(app);
    await app.context.close();
  });

  it('says an edit met a newer version (412) and offers to reload it; the reloaded edit saves', async () => {
    const patient = await createPatient();
    const app = await signedInApp(setup.browser(), ADMIN, `/patients/${patient.id}/edit`);
    const { page } = app;
    await page.getByRole('button', { name: 'Save' }).waitFor();
    await expectAccessible(app);
    // Someone else changes the record meanwhile.
    const {
      id: _id,
      version: _v,
      registeredDate: _r,
      billingAccountId: _b,
      billingStatus: _s,
      createdAt: _c,
      updatedAt: _u,
      ...body
    } = patient;
    expect(
      (
        await request('PUT', `/api/patients/${patient.id}`, {
          token: setup.adminToken(),
          body: { ...body, address: { ...patient.address, city: 'Elsewhere' } },
        })
      ).status,
    ).toBe(200);

    await page.getByLabel('First name').fill('Edited');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'changed by someone else' }).waitFor();
    await expectAccessible(app);
    await page.getByRole('button', { name: 'Reload record' }).click();
    await until('the reloaded city', async () => (await page.getByLabel('City').inputValue()) === 'Elsewhere');
    await page.getByLabel('First name').fill('Edited');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: `Edited ${patient.lastName}` }).waitFor();
    const stored = (await request('GET', `/api/patients/${patient.id}`, { token: setup.adminToken() })).body;
    expect(stored).toEqual(
      expect.objectContaining({
        firstName: 'Edited',
        version: 3,
        address: expect.objectContaining({ city: 'Elsewhere' }),
      }),
    );
    await app.context.close();
  });

  it('records a transaction on the billing account and shows the new balance', async () => {
    const patient = await createPatient();
    const app = await signedInApp(setup.browser(), ADMIN, `/patients/${patient.id}`);
    const { page } = app;
    await page.getByRole('button', { name: 'Record transaction' }).waitFor();
    await page.getByLabel('Amount (USD)').fill('125.50');
    await page.getByLabel('Description').fill('Consultation');
    await page.getByRole('button', { name: 'Record transaction' }).click();
    await page.getByRole('cell', { name: 'Consultation' }).waitFor();
    await page
      .getByTestId('balance')
      .filter({ hasText: /^\$125\.50$/ })
      .waitFor();
    const account = (await request('GET', `/api/patients/${patient.id}/billing`, { token: setup.adminToken() })).body;
    expect(account.balance).toBe(12550);
    // An amount the API rejects: its message at the field.
    await page.getByLabel('Amount (USD)').fill('0');
    await page.getByLabel('Description').fill('Nothing');
    await page.getByRole('button', { name: 'Record transaction' }).click();
    const amount = page.getByLabel('Amount (USD)');
    await page.locator('input[aria-invalid=true]').waitFor();
    expect(await page.locator(`#${await amount.getAttribute('aria-describedby')}`).innerText()).not.toBe('');
    await expectAccessible(app);
    await app.context.close();
  });

  it('deletes a patient after a confirmation on the page', async () => {
    const patient = await createPatient();
    const app = await signedInApp(setup.browser(), ADMIN, `/patients/${patient.id}`);
    const { page } = app;
    await page.getByRole('button', { name: 'Delete patient' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('heading', { name: 'Patients' }).waitFor();
    expect((await request('GET', `/api/patients/${patient.id}`, { token: setup.adminToken() })).status).toBe(404);
    await app.context.close();
  });

  it('draws the analytics charts for patients and billing', async () => {
    const app = await signedInApp(setup.browser(), ADMIN, '/analytics');
    const { page } = app;
    await page.getByRole('heading', { name: 'Analytics' }).waitFor();
    for (const chart of ['Registrations by day', 'Patients by state', 'Patients by age band', 'Patients by gender']) {
      await page.getByRole('img', { name: new RegExp(`^${chart}:`) }).waitFor();
    }
    await page.getByRole('img', { name: /^Billing by day \(USD\)/ }).waitFor({ timeout: 20_000 });
    await expectAccessible(app);
    await app.context.close();
  });
});
