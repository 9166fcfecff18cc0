/**
 * The session refresh on the wire, apart from the API client so that the page's entry (boot.ts) can send it
 * before any other code loads: a page load waits on it. The client (./client.ts) reads its answer.
 */
import type { operations } from './schema.gen';

export type TokenResponse = operations['postApiAuthRefresh']['responses'][200]['content']['application/json'];

/** Proves a cookie-authenticated request comes from this app (the API refuses it otherwise). */
const CSRF = { 'X-Requested-With': 'pms-web' };

/** Exchanges the refresh cookie (HttpOnly, sent by the browser) for a new token pair. */
export function sendRefresh(): Promise<Response> {
  return fetch('/api/auth/refresh', {
    method: 'POST',
    headers: { ...CSRF, 'Content-Type': 'application/json' },
    body: '{}',
  });
}
