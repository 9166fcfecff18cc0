/**
 * A minimal client for AWS JSON-protocol APIs (DynamoDB GetItem, SSM GetParameter) with Signature V4,
 * on node:https alone. The authorizer uses it instead of the AWS SDK to keep its bundle a few KB and
 * its cold start close to an empty Node process. Credentials come from the Lambda environment.
 */
import type { Agent as HttpAgent } from 'node:http';

/*
 * Node's crypto, http and https modules load on the first call, not with this module: loading TLS alone
 * costs a fifth of an empty Node process's start-up. A cold authorizer pays that on its first lookup
 * instead (a token refused by verification never does).
 */
const crypto = () => process.getBuiltinModule('node:crypto');

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: 'POST';
  url: URL;
  headers: Record<string, string>;
  body: string;
  service: string;
  region: string;
  credentials: Credentials;
  date: Date;
}

const sha256Hex = (data: string) => crypto().createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => crypto().createHmac('sha256', key).update(data, 'utf8').digest();

/** Adds `x-amz-date`, `x-amz-security-token` and `authorization` (AWS Signature Version 4) to the headers. */
export function signRequest(input: SignInput): Record<string, string> {
  const amzDate = input.date.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...input.headers, host: input.url.host, 'x-amz-date': amzDate };
  if (input.credentials.sessionToken) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const names = Object.keys(headers)
    .map((n) => n.toLowerCase())
    .sort();
  const lower = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')]),
  );
  const signedHeaders = names.join(';');
  const canonical = [
    input.method,
    input.url.pathname || '/',
    '',
    ...names.map((n) => `${n}:${lower[n]}`),
    '',
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${input.credentials.secretAccessKey}`, day), input.region), input.service),
    'aws4_request',
  );
  const signature = crypto().createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

export class AwsCallError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
  ) {
    super(`AWS call failed: ${status} ${type}`);
    this.name = 'AwsCallError';
  }
}

// Keep-alive: a warm authorizer reuses its TLS connection, which is most of a GetItem's latency.
const agents = new Map<'http' | 'https', HttpAgent>();

function transport(secure: boolean) {
  const protocol = secure ? 'https' : 'http';
  const module = process.getBuiltinModule(`node:${protocol}`);
  let agent = agents.get(protocol);
  if (!agent) agents.set(protocol, (agent = new module.Agent({ keepAlive: true, maxSockets: 50 })));
  return { request: module.request, agent };
}

export interface JsonCall {
  endpoint: string;
  service: string;
  target: string;
  jsonVersion: '1.0' | '1.1';
  body: unknown;
  timeoutMs?: number;
}

function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials {
  const {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SESSION_TOKEN: sessionToken,
  } = env;
  if (!accessKeyId || !secretAccessKey) throw new Error('No AWS credentials in the environment');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export function region(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

/**
 * Where a service answers: the SDK's own overrides (AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL,
 * which LocalStack sets inside its Lambda containers), else the regional endpoint.
 */
export function serviceEndpoint(service: 'dynamodb' | 'ssm', env: NodeJS.ProcessEnv = process.env): string {
  return (
    env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ||
    env.AWS_ENDPOINT_URL ||
    `https://${service}.${region(env)}.amazonaws.com`
  );
}

export function awsJsonCall<T>(call: JsonCall): Promise<T> {
  const url = new URL(call.endpoint);
  const body = JSON.stringify(call.body);
  const headers = signRequest({
    method: 'POST',
    url,
    body,
    service: call.service,
    region: region(),
    credentials: credentialsFromEnv(),
    date: new Date(),
    headers: { 'content-type': `application/x-amz-json-${call.jsonVersion}`, 'x-amz-target': call.target },
  });
  const { request, agent } = transport(url.protocol === 'https:');
  return new Promise<T>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: call.timeoutMs ?? 3000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown> = {};
          try {
            parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            /* an error page; the status says enough */
          }
          if (res.statusCode === 200) resolve(parsed as T);
          else
            reject(
              new AwsCallError(
                res.statusCode ?? 0,
                (typeof parsed.__type === 'string' ? parsed.__type : 'unknown').split('#').pop()!,
              ),
            );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('AWS call timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
