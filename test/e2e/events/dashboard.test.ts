/** The local dashboard in headless Chromium: it loads, signs in, draws the charts, and shows the API's numbers. */
import type { Browser } from 'playwright-core';
import { launchChromium, seriousViolations } from '../../support/browser';
import { DEMO_ADMIN, loginDemoAdmin, request } from '../../support/http';

describe('local dashboard', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  /** The dashboard page, signed in as the demo admin and drawn. */
  async function openDashboard() {
    const page = await browser.newPage();
    await page.goto(`${process.env.E2E_BASE_URL}/dashboard`);
    await page.fill('#email', DEMO_ADMIN.email);
    await page.fill('#password', DEMO_ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('body[data-loaded=true]');
    return page;
  }

  it('shows the same figures as GET /api/analytics', async () => {
    const page = await openDashboard();

    const token = await loginDemoAdmin();
    const bars = async (chart: string) =>
      Object.fromEntries(
        await page.$$eval(`[data-testid=${chart}] g[data-label]`, (groups) =>
          groups.map((g) => [g.getAttribute('data-label'), Number(g.getAttribute('data-value'))]),
        ),
      );
    const shown = async () => ({
      totalPatients: Number(await page.textContent('[data-testid=totalPatients]')),
      byState: await bars('chart-byState'),
      byGender: await bars('chart-byGender'),
      byAgeBand: await bars('chart-byAgeBand'),
    });
    // Other e2e files write patients meanwhile: compare a page refresh with the API read just before it.
    let figures: Record<string, unknown> = {};
    let page_: Record<string, unknown> = {};
    for (let attempt = 0; attempt < 5; attempt++) {
      const body = (await request('GET', '/api/analytics', { token })).body;
      figures = {
        totalPatients: body.totalPatients,
        byState: body.byState,
        byGender: body.byGender,
        byAgeBand: body.byAgeBand,
      };
      await page.evaluate('refresh()');
      page_ = await shown();
      if (JSON.stringify(page_) === JSON.stringify(figures)) break;
    }
    expect(page_).toEqual(figures);
    expect(Object.keys(await bars('chart-registrationsByDay')).length).toBeGreaterThan(0);
    await page.close();
  });

  it('shows the billing figures of GET /api/analytics: accounts opened, flows per currency, by day', async () => {
    const token = await loginDemoAdmin();
    const patient = await request('POST', '/api/patients', {
      token,
      body: {
        firstName: 'Dash',
        lastName: 'Board',
        email: `dash.${Date.now()}@e2e.test`,
        dateOfBirth: '1970-01-01',
        address: { street: '1 Chart St', city: 'Plot', state: 'CA', zipCode: '1' },
      },
    });
    expect(
      (
        await request('POST', `/api/patients/${patient.body.id}/billing/transactions`, {
          token,
          body: { type: 'CHARGE', amount: 1234, description: 'Dashboard check' },
          headers: { 'Idempotency-Key': `dash-${Date.now()}` },
        })
      ).status,
    ).toBe(201);
    const page = await openDashboard();
    const shown = async () => ({
      accountsOpened: Number(await page.textContent('[data-testid=billing-accountsOpened]')),
      usd: Object.fromEntries(
        await page.$$eval('#billing-currencies tr[data-currency=USD] [data-field]', (cells) =>
          cells.map((c) => [c.getAttribute('data-field'), c.textContent]),
        ),
      ),
    });
    let api: { accountsOpened: number; usd: Record<string, string> } = { accountsOpened: -1, usd: {} };
    let onPage = await shown();
    for (let attempt = 0; attempt < 20; attempt++) {
      const billing = (await request('GET', '/api/analytics', { token })).body.billing;
      const usd = billing.currencies.USD ?? {};
      api = {
        accountsOpened: billing.accountsOpened,
        usd: { currency: 'USD', ...Object.fromEntries(Object.entries(usd).map(([k, v]) => [k, String(v)])) },
      };
      await page.evaluate('refresh()');
      onPage = await shown();
      if (JSON.stringify(onPage) === JSON.stringify(api) && Number(api.usd.charged) >= 1234) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(onPage).toEqual(api);
    expect(
      Object.keys(
        await page.$$eval('[data-testid=chart-billingByDay] g[data-label]', (g) =>
          g.map((x) => x.getAttribute('data-label')),
        ),
      ).length,
    ).toBeGreaterThan(0);
    await page.close();
  });

  it('keeps its token in memory only, runs no inline script under a CSP that allows none, and passes axe', async () => {
    const answer = await fetch(`${process.env.E2E_BASE_URL}/dashboard`);
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await answer.text()).not.toMatch(/<script>|<style>|\son\w+=/);
    const page = await openDashboard();
    const stored = await page.evaluate(
      '({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }), cookie: document.cookie })',
    );
    expect(JSON.stringify(stored)).not.toMatch(/eyJ/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});
