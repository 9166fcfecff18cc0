/**
 * A raw HTTP client (node:http, not fetch): it can send what a browser never would, such as duplicated
 * headers, bodies with any content type, random bytes, on methods of our choosing.
 */
import { request } from 'node:http';

export interface RawRequest {
  method: string;
  path: string;
  /** Arrays send the header once per value (duplicated headers). */
  headers: Record<string, string | string[]>;
  body?: Buffer | string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function send(baseUrl: string, req: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...req.headers };
    if (req.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(req.body));
    }
    const outgoing = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}

/**
 * Why a response breaks the error contract (5xx, or an error that is not problem+json; on the FHIR routes
 * an OperationOutcome with the status's issues), or undefined.
 */
export function contractBreach(method: string, response: RawResponse, path = ''): string | undefined {
  if (response.status >= 500) return `status ${response.status}`;
  if (response.status < 400 || method === 'HEAD') return undefined;
  const type = String(response.headers['content-type'] ?? '');
  if (path.startsWith('/fhir/') && type.startsWith('application/fhir+json')) return outcomeBreach(response.body);
  if (!type.startsWith('application/problem+json')) return `status ${response.status} with Content-Type "${type}"`;
  try {
    const problem = JSON.parse(response.body) as { status?: unknown; title?: unknown; type?: unknown };
    if (problem.status !== response.status) return `problem status ${String(problem.status)} ≠ ${response.status}`;
    if (typeof problem.title !== 'string') return 'problem without a title';
  } catch {
    return `status ${response.status} with a body that is not JSON`;
  }
  return undefined;
}

/** Why a FHIR error body is no OperationOutcome with at least one issue, each with a severity and a code. */
function outcomeBreach(body: string): string | undefined {
  try {
    const outcome = JSON.parse(body) as { resourceType?: unknown; issue?: { severity?: unknown; code?: unknown }[] };
    if (outcome.resourceType !== 'OperationOutcome')
      return `FHIR error of resourceType ${String(outcome.resourceType)}`;
    if (!Array.isArray(outcome.issue) || outcome.issue.length === 0) return 'OperationOutcome without issues';
    if (outcome.issue.some((i) => i.severity !== 'error' || typeof i.code !== 'string'))
      return 'OperationOutcome issue without severity error and a code';
  } catch {
    return 'FHIR error with a body that is not JSON';
  }
  return undefined;
}

/** Runs `tasks` with at most `limit` in flight. */
export async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}
