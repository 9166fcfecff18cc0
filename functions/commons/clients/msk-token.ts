/**
 * The MSK IAM auth token (SASL OAUTHBEARER): a `kafka-cluster:Connect` URL presigned with SigV4, base64url, the
 * way aws-msk-iam-sasl-signer-js makes it (test/unit/commons/msk-token.test.ts holds the two equal), signed with the
 * credentials Lambda puts in the environment. That library brings STS, the whole credential chain and a user-agent
 * parser (~380 KB of each Kafka function's ~700 KB bundle) for this one signature.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** How long a token stays valid: the library's, and MSK's longest. */
const EXPIRY_SECONDS = 900;
export const MSK_TOKEN_USER_AGENT = 'patient-management-msk-token/1';

type Chunk = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: Chunk): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256, and HMAC-SHA-256 when given a secret, over node:crypto in the shape SignatureV4 wants. */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: Chunk) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: Chunk): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface MskCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The function's role credentials, as Lambda sets them. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): MskCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey)
    throw new Error('MSK IAM auth needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

/** RFC 3986 escaping, as the SDK builds query strings (encodeURIComponent leaves !'()* alone). */
const escape = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export async function mskAuthToken(
  region: string,
  credentials: MskCredentials = credentialsFromEnv(),
  userAgent: string = MSK_TOKEN_USER_AGENT,
): Promise<string> {
  const hostname = `kafka.${region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'kafka-cluster',
    region,
    credentials,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      headers: { host: hostname },
      query: { Action: 'kafka-cluster:Connect' },
    },
    { expiresIn: EXPIRY_SECONDS },
  );
  const query = { ...signed.query, 'User-Agent': userAgent } as Record<string, string>;
  const search = Object.keys(query)
    .sort()
    .map((key) => `${escape(key)}=${escape(query[key]!)}`)
    .join('&');
  return Buffer.from(`https://${hostname}/?${search}`, 'utf8').toString('base64url');
}
