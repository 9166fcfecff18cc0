/**
 * The web app (issue 20), in one run against one `npm start` runtime and Debian's Chromium:
 * - production JavaScript, gzip, over every script of the build: ≤ 150 KB;
 * - the patients page, signed in (refresh cookie present): time until its first rows show, against the
 *   time of its own API call (GET /api/patients, measured from Node) plus the page load (navigation until
 *   the load event, in the same browser): ≤ 1.5×. Rounds alternate the three measures so drift hits all alike.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEMO_ADMIN } from '../../test/support/http';
import type { BenchContext, BenchModule } from '../lib/context';
import { comparison, figure, limit, type Row } from '../lib/report';
import { median } from '../lib/stats';
import { launchChromium } from '../../test/support/browser';
import { ensureWebBuild, WEB_DIST } from '../../local/web-app';

/** The page's globals the row watch uses (this project's types have no DOM). */
type InPage = {
  document: { querySelector(selector: string): unknown };
  MutationObserver: new (callback: (records: unknown, observer: { disconnect(): void }) => void) => {
    observe(target: unknown, options: { childList: boolean; subtree: boolean }): void;
  };
  rowsShown(): void;
};

const ROUNDS = Number(process.env.BENCH_WEB_ROUNDS ?? 9);

function scriptSizes(): { raw: number; gzip: number; files: number } {
  const assets = join(WEB_DIST, 'assets');
  const scripts = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f)));
  return {
    raw: scripts.reduce((s, b) => s + b.length, 0) / 1024,
    gzip: scripts.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0) / 1024,
    files: scripts.length,
  };
}

async function run(ctx: BenchContext) {
  await ensureWebBuild();
  const size = scriptSizes();
  const rows: Row[] = [
    limit('production JS, gzip (all scripts of the build)', size.gzip, 'KB', '<=', 150),
    figure('production JS, minified', size.raw, 'KB'),
  ];

  const runtime = await ctx.runtime();
  const token = await ctx.adminToken();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The page itself tells when its first row is in the document: a MutationObserver, installed before the
    // app's scripts run, calls back into Node at once. Polling from Playwright (waitForFunction) would inject its
    // own script into every new document, ~20 ms of renderer CPU in the middle of the page's requests on two
    // shared cores, and see the row only on the next frame: harness time the load event's baseline carries none of.
    // Every visit's signal is awaited before the next visit starts, so none can be taken for a later one's.
    let rowsShown = () => {};
    const nextRows = () => new Promise<void>((resolve) => (rowsShown = resolve));
    await page.exposeBinding('rowsShown', () => rowsShown());
    await page.addInitScript(() => {
      const g = globalThis as unknown as InPage;
      new g.MutationObserver((_, observer) => {
        if (g.document.querySelector('tbody tr') === null) return;
        observer.disconnect();
        g.rowsShown();
      }).observe(g.document, { childList: true, subtree: true });
    });
    // Signed in once: every later visit starts from the refresh cookie, as a returning user's does.
    await page.goto(`${runtime.baseUrl}/patients`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    const signedIn = nextRows();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signedIn;

    const api: number[] = [];
    const load: number[] = [];
    const firstRows: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let t0 = performance.now();
      const response = await fetch(`${runtime.baseUrl}/api/patients?limit=20`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      api.push(performance.now() - t0);

      let shown = nextRows();
      t0 = performance.now();
      await page.goto(`${runtime.baseUrl}/patients`, { waitUntil: 'load' });
      load.push(performance.now() - t0);
      await shown; // this visit's requests finish before the next visit

      shown = nextRows();
      t0 = performance.now();
      await page.goto(`${runtime.baseUrl}/patients`, { waitUntil: 'commit' });
      await shown;
      firstRows.push(performance.now() - t0);
    }
    const [apiMs, loadMs, rowsMs] = [median(api), median(load), median(firstRows)];
    rows.push(
      figure('GET /api/patients (limit 20), from Node', apiMs, 'ms'),
      figure('patients page load (navigation to load event)', loadMs, 'ms'),
      comparison('patients page: first rows shown', rowsMs, apiMs + loadMs, 'ms', '<=', 1.5, 'API call + page load'),
    );
  } finally {
    await browser.close();
  }
  return {
    rows,
    notes: [
      `Web app: ${size.files} script file(s) in web/dist; the patients figures are medians of ${ROUNDS} rounds, the page signed in by its refresh cookie (which the page exchanges before its API call).`,
    ],
  };
}

const web: BenchModule = { name: 'web', run };
export default web;
