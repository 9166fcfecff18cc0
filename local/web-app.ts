/**
 * The web app under `npm start`: built once with Vite (again only when its sources change), then served
 * by the local gateway at `/` with the same security headers as behind CloudFront. Client-side routes get
 * index.html; the API's paths and the local pages are never shadowed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { isApiPath, WEB_SECURITY_HEADERS } from '../system/web-app';
import { WEB_ROOT, webSourceHash } from '../web/scripts/source-hash';

const ROOT = resolve(__dirname, '..');
export const WEB_DIST = join(WEB_ROOT, 'dist');
const STAMP = '.source-hash';

/** Builds the app into web/dist unless it is already built from these sources; true when it built. */
export async function ensureWebBuild(): Promise<boolean> {
  const hash = webSourceHash();
  const stamp = join(WEB_DIST, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return false;
  // Built beside the served folder and swapped in: two runtimes starting at once never serve half a build.
  const out = `${WEB_DIST}.${process.pid}`;
  await new Promise<void>((done, fail) => {
    const vite = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        join(WEB_ROOT, 'vite.config.ts'),
        '--outDir',
        out,
        '--logLevel',
        'error',
      ],
      {
        cwd: ROOT,
        // Always the production build: under Jest (NODE_ENV=test) Vite would keep the libraries' development code.
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    vite.on('error', fail);
    vite.on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`the web app build failed (vite exit code ${code})`)),
    );
  });
  writeFileSync(join(out, STAMP), hash);
  rmSync(WEB_DIST, { recursive: true, force: true });
  try {
    renameSync(out, WEB_DIST);
  } catch {
    rmSync(out, { recursive: true, force: true }); // another runtime swapped in the same build first
  }
  return true;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Answers a GET or HEAD the API has no route for: a file of the build, or index.html for a client-side
 * route. False (the gateway then answers 404) for the API's paths, other methods, and missing files.
 */
export function webAppHandler(dist = WEB_DIST) {
  return (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(pathname)) return false;
    let file: string;
    try {
      file = extname(pathname) !== '' ? resolve(dist, `.${decodeURIComponent(pathname)}`) : join(dist, 'index.html');
    } catch {
      return false; // a malformed escape
    }
    if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) return false;
    const body = readFileSync(file);
    res.writeHead(200, {
      ...WEB_SECURITY_HEADERS,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      // Hashed file names never change; the page itself is checked every time, so a new build shows at once.
      'Cache-Control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
