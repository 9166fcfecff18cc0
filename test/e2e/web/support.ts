/** Driving the web app in Chromium the way the contract names things: labels, roles and accessible names. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base, login } from '../../support/http';
import { launchChromium, seriousViolations } from '../../support/browser';

export const ADMIN = { email: 'testuser@test.com', password: 'password123' };

/** One Chromium for the test file, and the demo admin's token for setting data up through the API. */
export function browserForFile(): { browser: () => Browser; adminToken: () => string } {
  let browser: Browser | undefined;
  let adminToken = '';
  beforeAll(async () => {
    browser = await launchChromium();
    adminToken = await login(ADMIN.email, ADMIN.password);
  });
  afterAll(() => browser?.close());
  return { browser: () => browser!, adminToken: () => adminToken };
}

export interface AppPage {
  page: Page;
  context: BrowserContext;
  cspViolations: string[];
}

/** A fresh browser profile on the app, recording any Content-Security-Policy violation the page reports. */
export async function openApp(browser: Browser, path = '/', options: { width?: number } = {}): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 } });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(`${base()}${path}`);
  return { page, context, cspViolations };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function signedInApp(
  browser: Browser,
  user: { email: string; password: string },
  path = '/patients',
  options: { width?: number } = {},
): Promise<AppPage> {
  const app = await openApp(browser, path, options);
  await signIn(app.page, user.email, user.password);
  return app;
}

/** The names of the main navigation's links. */
export async function navigation(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
}

/** Everything a script on the page could read of the browser's storage. */
export function readableStorage(page: Page): Promise<{ local: string; session: string; cookie: string }> {
  return page.evaluate(
    '({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }), cookie: document.cookie })',
  );
}

/** No serious or critical accessibility violation, and no CSP violation, on the page as it is now. */
export async function expectAccessible(app: AppPage): Promise<void> {
  expect(await seriousViolations(app.page)).toEqual([]);
  expect(app.cspViolations).toEqual([]);
}

/** Polls until `check` holds (Playwright's waitForFunction would evaluate a string, which the app's CSP rightly refuses). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the page's table body has this many rows. */
export const waitForRows = (page: Page, n: number) =>
  until(`${n} table rows`, async () => (await page.locator('tbody tr').count()) === n);

/** The row of the table that shows this text (e.g. a patient's email). */
export const rowWith = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });
