/**
 * The local stand-in for the CloudWatch dashboard: a page, its stylesheet and its script (no build step, no CDN),
 * served with the web app's security headers, so its Content-Security-Policy allows no inline script either.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_SECURITY_HEADERS } from '../../system/web-app';
import type { LocalPage } from '../gateway/server';

const FILES = {
  '/dashboard': { file: 'page.html', type: 'text/html; charset=utf-8' },
  '/dashboard/page.css': { file: 'page.css', type: 'text/css; charset=utf-8' },
  '/dashboard/page.js': { file: 'page.js', type: 'text/javascript; charset=utf-8' },
} as const;

/** The gateway's local pages (`GatewayOptions.pages`) of the dashboard, by path; each file is read once. */
export function dashboardPages(): Record<string, LocalPage> {
  return Object.fromEntries(
    Object.entries(FILES).map(([path, { file, type }]): [string, LocalPage] => {
      let content: string | undefined;
      return [
        path,
        (_req, res) => {
          content ??= readFileSync(join(__dirname, file), 'utf8');
          res.writeHead(200, { ...WEB_SECURITY_HEADERS, 'Content-Type': type });
          res.end(content);
        },
      ];
    }),
  );
}
