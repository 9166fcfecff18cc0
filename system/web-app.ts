/**
 * The web app's edge: which paths belong to the API (never answered by the app), and the headers every
 * page of the app carries. One description for the local gateway, the Vite dev server and CloudFront.
 */

/** Paths of the API and of the local runtime's own pages: the app's client-side routes never shadow them. */
export const API_PATH_PREFIXES = [
  '/api',
  '/api-docs',
  '/fhir',
  '/.well-known',
  '/health',
  '/auth',
  '/_local',
  '/dashboard',
] as const;

/** CloudFront behaviours that go to API Gateway (caching off, every viewer header but Host forwarded). */
export const CLOUDFRONT_API_PATTERNS = ['/api/*', '/fhir/*', '/.well-known/*', '/api-docs', '/health'] as const;

export function isApiPath(pathname: string): boolean {
  return API_PATH_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** Scripts and styles from the app's own origin only: no inline script, no eval, no other site. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** On every answer of the app (CloudFront adds Strict-Transport-Security on top, HTTPS being its only protocol). */
export const WEB_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export const HSTS_MAX_AGE_SECONDS = 63_072_000; // two years
