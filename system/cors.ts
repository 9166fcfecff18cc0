/**
 * Cross-origin access for browser clients, one description for API Gateway (preflight), the functions
 * (headers on their answers) and the local gateway. Off unless origins are named (CDK `-c corsOrigins=`,
 * locally CORS_ORIGINS): a healthcare API answers no other site's scripts by default. Bearer tokens, never
 * cookies, so no credentials mode.
 */
export const CORS_ORIGINS_VARIABLE = 'CORS_ORIGINS';

export const CORS = {
  allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  /** Response headers a browser script may read besides the safelisted ones. */
  exposeHeaders: ['ETag', 'Location', 'Retry-After', 'Idempotent-Replayed'],
  maxAgeSeconds: 600,
} as const;

/** `https://app.example.com,http://localhost:5173` → the origins; each must be scheme://host[:port], nothing more. */
export function corsOrigins(value: string | undefined): string[] {
  const origins = (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin))
      throw new Error(`${CORS_ORIGINS_VARIABLE}: "${origin}" is not an origin (scheme://host[:port])`);
  }
  return origins.map((o) => o.toLowerCase());
}
