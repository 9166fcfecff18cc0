/** The functions' own answers carry the CORS headers for the configured origins, errors included. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

const event = (resource: string, origin?: string) =>
  ({
    resource,
    path: resource,
    httpMethod: 'GET',
    headers: origin ? { Origin: origin } : {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'r' },
  }) as unknown as APIGatewayProxyEvent;

async function platformWith(origins: string | undefined) {
  jest.resetModules();
  if (origins === undefined) delete process.env.CORS_ORIGINS;
  else process.env.CORS_ORIGINS = origins;
  const { handler } = await import('../../../functions/platform/handler');
  return async (resource: string, origin?: string) =>
    (await handler(event(resource, origin), {} as Context)) as APIGatewayProxyResult;
}

afterAll(() => {
  delete process.env.CORS_ORIGINS;
});

it('names an allowed origin, exposes the headers clients read, and varies on Origin', async () => {
  const call = await platformWith('https://app.example.com,http://localhost:5173');
  const docs = await call('/api-docs', 'http://localhost:5173');
  expect(docs.statusCode).toBe(200);
  expect(docs.headers).toMatchObject({
    'Access-Control-Allow-Origin': 'http://localhost:5173',
    Vary: expect.stringContaining('Origin'),
  });
  expect(String(docs.headers!['Access-Control-Expose-Headers'])).toContain('ETag');
  const error = await call('/nowhere', 'https://app.example.com');
  expect(error.statusCode).toBe(404);
  expect(error.headers!['Access-Control-Allow-Origin']).toBe('https://app.example.com');
});

it('names no origin for another site, and adds nothing without CORS_ORIGINS', async () => {
  const call = await platformWith('https://app.example.com');
  expect((await call('/api-docs', 'https://evil.example.com')).headers!['Access-Control-Allow-Origin']).toBeUndefined();
  const off = await platformWith(undefined);
  expect(
    Object.keys((await off('/api-docs', 'https://app.example.com')).headers!).filter((h) =>
      h.startsWith('Access-Control'),
    ),
  ).toEqual([]);
});

it('refuses a malformed origin list at load', async () => {
  await expect(platformWith('app.example.com')).rejects.toThrow(/is not an origin/);
});
