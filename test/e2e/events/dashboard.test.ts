/** The local dashboard in headless Chromium: it loads, signs in, draws the charts, and shows the API's numbers. */
import { chromium, type Browser } from 'playwright-core';
import { login, request } from '../../support/http';

describe('local dashboard', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(() => browser?.close());

  it('shows the same figures as GET /api/analytics', async () => {
    const page = await browser.newPage();
    await page.goto(`${process.env.E2E_BASE_URL}/dashboard`);
    await page.fill('#email', 'testuser@test.com');
    await page.fill('#password', 'password123');
    await page.click('button[type=submit]');
    await page.waitForSelector('body[data-loaded=true]');

    const token = await login('testuser@test.com', 'password123');
    const bars = async (chart: string) => Object.fromEntries(await page.$$eval(`[data-testid=${chart}] g[data-label]`,
      (groups) => groups.map((g) => [g.getAttribute('data-label'), Number(g.getAttribute('data-value'))])));
    const shown = async () => ({
      totalPatients: Number(await page.textContent('[data-testid=totalPatients]')),
      byState: await bars('chart-byState'), byGender: await bars('chart-byGender'), byAgeBand: await bars('chart-byAgeBand'),
    });
    // Other e2e files write patients meanwhile: compare a page refresh with the API read just before it.
    let figures: Record<string, unknown> = {};
    let page_: Record<string, unknown> = {};
    for (let attempt = 0; attempt < 5; attempt++) {
      const body = (await request('GET', '/api/analytics', { token })).body;
      figures = { totalPatients: body.totalPatients, byState: body.byState, byGender: body.byGender, byAgeBand: body.byAgeBand };
      await page.evaluate('refresh()');
      page_ = await shown();
      if (JSON.stringify(page_) === JSON.stringify(figures)) break;
    }
    expect(page_).toEqual(figures);
    expect(Object.keys(await bars('chart-registrationsByDay')).length).toBeGreaterThan(0);
    await page.close();
  });
});
