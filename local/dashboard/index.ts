/** The local stand-in for the CloudWatch dashboard: one self-contained page (no build step, no CDN). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let page: string | undefined;

export function dashboardPage(): string {
  page ??= readFileSync(join(__dirname, 'page.html'), 'utf8');
  return page;
}
