import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { startGateway, type FunctionSet } from '../../../local/gateway/server';

const allow = (arnPrefix: string, context: Record<string, string>): APIGatewayAuthorizerResult => ({
  principalId: context.userId ?? 'user',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnPrefix}/*/*` }],
  },
  context,
});

describe('local API gateway', () => {
  const seen: APIGatewayProxyEvent[] = [];
  const tokens: APIGatewayTokenAuthorizerEvent[] = [];
  let base = '';
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const echo = async (event: APIGatewayProxyEvent) => {
      seen.push(event);
      return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ok: true }) };
    };
    const authorizer = async (event: APIGatewayTokenAuthorizerEvent) => {
      tokens.push(event);
      const arnPrefix = event.methodArn.split('/').slice(0, 2).join('/');
      if (event.authorizationToken === 'Bearer good')
        return allow(arnPrefix, { userId: 'u1', email: 'a@b.c', role: 'admin' });
      if (event.authorizationToken === 'Bearer deny') {
        return {
          principalId: 'u2',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }],
          },
        };
      }
      if (event.authorizationToken === 'Bearer crash') throw new TypeError('boom');
      throw new Error('Unauthorized');
    };
    const crash = async () => {
      throw new Error('integration crashed');
    };
    const functions = {
      auth: echo,
      authorizer,
      patients: echo,
      platform: echo,
      'analytics-query': crash,
      'analytics-consumer': echo,
      publisher: echo,
      'pending-billing': echo,
    } as unknown as FunctionSet;
    const gateway = await startGateway({ port: 0, functions });
    base = `http://127.0.0.1:${gateway.port}`;
    stop = gateway.stop;
  });
  afterAll(() => stop());

  async function problemOf(response: Response) {
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = await response.json();
    expect(body).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status: response.status,
        detail: expect.any(String),
      }),
    );
    return body;
  }

  it('builds a real REST proxy event with path parameters, query and authorizer context', async () => {
    const response = await fetch(`${base}/api/patients/abc-123?limit=5&limit=6&search=jo`, {
      headers: { Authorization: 'Bearer good', 'X-Trace': 't' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
    const event = seen.at(-1)!;
    expect(event.resource).toBe('/api/patients/{id}');
    expect(event.path).toBe('/api/patients/abc-123');
    expect(event.httpMethod).toBe('GET');
    expect(event.pathParameters).toEqual({ id: 'abc-123' });
    expect(event.queryStringParameters).toEqual({ limit: '6', search: 'jo' });
    expect(event.multiValueQueryStringParameters).toEqual({ limit: ['5', '6'], search: ['jo'] });
    expect(event.headers['X-Trace']).toBe('t');
    expect(event.requestContext.authorizer).toEqual({ userId: 'u1', email: 'a@b.c', role: 'admin', principalId: 'u1' });
    expect(event.requestContext.stage).toBe('prod');
    expect(event.requestContext.resourcePath).toBe('/api/patients/{id}');
    expect(tokens.at(-1)).toEqual({
      type: 'TOKEN',
      authorizationToken: 'Bearer good',
      methodArn: expect.stringMatching(/\/prod\/GET\/api\/patients\/abc-123$/),
    });
  });

  it('refuses a Host that is not this machine (DNS rebinding), and answers localhost and 127.0.0.1', async () => {
    const { request } = await import('node:http');
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${base}/health`, { headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await statusFor('evil.example:4000')).toBe(403);
    expect(await statusFor('127.0.0.1.nip.io')).toBe(403);
    for (const host of ['localhost:4000', '127.0.0.1:4000', '127.0.0.1', '[::1]:4000'])
      expect(await statusFor(host)).toBe(200);
  });

  it('passes a JSON body through as text', async () => {
    await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(seen.at(-1)!.body).toBe('{"a":1}');
    expect(seen.at(-1)!.isBase64Encoded).toBe(false);
    expect(seen.at(-1)!.requestContext.authorizer).toBeNull();
  });

  it('answers 401 without a token, with a refused token, and 403 on a Deny policy', async () => {
    const before = tokens.length;
    await problemOf(await fetch(`${base}/api/patients`));
    expect(tokens.length).toBe(before); // no header: the authorizer is not even invoked
    expect((await fetch(`${base}/api/patients`, { headers: { Authorization: 'Bearer bad' } })).status).toBe(401);
    const denied = await fetch(`${base}/api/patients`, { headers: { Authorization: 'Bearer deny' } });
    expect(denied.status).toBe(403);
    await problemOf(denied);
  });

  it('answers 500 in problem shape when the authorizer itself fails, 502 when the integration does', async () => {
    expect((await fetch(`${base}/api/patients`, { headers: { Authorization: 'Bearer crash' } })).status).toBe(500);
    const broken = await fetch(`${base}/api/analytics`, { headers: { Authorization: 'Bearer good' } });
    expect(broken.status).toBe(502);
    const body = await problemOf(broken);
    expect(JSON.stringify(body)).not.toContain('integration crashed');
  });

  it('answers unknown paths 404 and wrong methods 405 in problem shape', async () => {
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    await problemOf(missing);
    const wrong = await fetch(`${base}/api/analytics`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('refuses a body over 64 KiB with 413 before invoking anything', async () => {
    const before = seen.length;
    const response = await fetch(`${base}/api/auth/signup`, { method: 'POST', body: 'x'.repeat(64 * 1024 + 1) });
    expect(response.status).toBe(413);
    await problemOf(response);
    expect(seen.length).toBe(before);
  });
});

describe('local API gateway with hostile names', () => {
  it('keeps a __proto__ query parameter or header as plain data', async () => {
    const seen: APIGatewayProxyEvent[] = [];
    const echo = async (event: APIGatewayProxyEvent) => {
      seen.push(event);
      return { statusCode: 200, body: '{}' };
    };
    const functions = new Proxy({}, { get: () => echo }) as unknown as FunctionSet;
    const gateway = await startGateway({ port: 0, functions });
    try {
      const response = await fetch(`http://127.0.0.1:${gateway.port}/health?__proto__=x&__proto__=y&constructor=1`, {
        headers: { __proto__: 'h' } as Record<string, string>,
      });
      expect(response.status).toBe(200);
      const event = seen[0]!;
      expect(Object.getPrototypeOf(event.queryStringParameters)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(event.queryStringParameters, '__proto__')?.value).toBe('y');
      expect(Object.getOwnPropertyDescriptor(event.multiValueQueryStringParameters, '__proto__')?.value).toEqual([
        'x',
        'y',
      ]);
      expect(event.queryStringParameters?.constructor).toBe('1');
    } finally {
      await gateway.stop();
    }
  });

  describe('with CORS origins', () => {
    let corsBase = '';
    let stopCors: () => Promise<void>;
    beforeAll(async () => {
      const ok = async () => ({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{}' });
      const functions = {
        auth: ok,
        authorizer: ok,
        patients: ok,
        platform: ok,
        'analytics-query': ok,
        'analytics-consumer': ok,
        publisher: ok,
        'pending-billing': ok,
      } as unknown as FunctionSet;
      const gateway = await startGateway({ port: 0, functions, corsOrigins: ['https://app.example.com'] });
      corsBase = `http://127.0.0.1:${gateway.port}`;
      stopCors = gateway.stop;
    });
    afterAll(() => stopCors());

    it('answers the preflight itself, naming the origin only when it is allowed', async () => {
      const preflight = (origin: string) =>
        fetch(`${corsBase}/api/patients/abc`, {
          method: 'OPTIONS',
          headers: {
            Origin: origin,
            'Access-Control-Request-Method': 'PUT',
            'Access-Control-Request-Headers': 'authorization,if-match',
          },
        });
      const allowed = await preflight('https://app.example.com');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('If-Match');
      const other = await preflight('https://evil.example.com');
      expect(other.status).toBe(204);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect((await fetch(`${corsBase}/api/nothing`, { method: 'OPTIONS' })).status).toBe(404);
    });

    it('lets browsers read its own errors (which carry no data)', async () => {
      const response = await fetch(`${corsBase}/api/patients`, { headers: { Origin: 'https://app.example.com' } });
      expect(response.status).toBe(401);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    });
  });
});
