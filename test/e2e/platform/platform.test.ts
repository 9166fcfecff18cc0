const base = () => process.env.E2E_BASE_URL!;

describe('platform routes of npm start', () => {
  it('GET /health answers 200 with every component up', async () => {
    const response = await fetch(`${base()}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; components: Record<string, unknown> };
    expect(body.status).toBe('ok');
    for (const name of ['dynamodb', 'billing', 'kafka']) expect(body.components[name]).toEqual({ status: 'up' });
  });

  it('GET /api-docs answers an OpenAPI 3.1 document describing the contract routes', async () => {
    const response = await fetch(`${base()}/api-docs`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/auth/signup',
      '/api/auth/login',
      '/api/auth/refresh',
      '/api/auth/logout',
      '/api/auth/validate',
      '/auth/login',
      '/auth/validate',
      '/api/patients',
      '/api/patients/{id}',
      '/api/analytics',
      '/health',
      '/api-docs',
      '/.well-known/jwks.json',
      '/dashboard',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await fetch(`${base()}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual(expect.objectContaining({ status: 404, title: 'Not Found' }));
  });

  it('refuses a body over 64 KiB with 413 problem+json', async () => {
    const response = await fetch(`${base()}/api/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(70_000) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers a protected route without a token with 401 problem+json', async () => {
    const response = await fetch(`${base()}/api/patients`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
