import { execFileSync } from 'node:child_process';
import { routes } from '../../../system/routes';
import { buildOpenApi } from '../../../functions/platform/openapi';
import { schemaRegistry } from '../../../functions/platform/schemas';

describe('OpenAPI document', () => {
  const document = buildOpenApi(routes, schemaRegistry);

  it('is a valid OpenAPI 3.1 document', () => {
    // The validator is ESM-only; run it in plain Node rather than in Jest's CommonJS runtime.
    const script = `import { Validator } from '@seriousme/openapi-schema-validator';
      let input = ''; for await (const chunk of process.stdin) input += chunk;
      const v = new Validator(); const r = await v.validate(JSON.parse(input));
      console.log(JSON.stringify({ valid: r.valid, errors: r.errors ?? [], version: v.version }));`;
    // The local document: the deployed one plus the local pages.
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      input: JSON.stringify(buildOpenApi(routes, schemaRegistry, true)),
      cwd: process.cwd(),
    });
    const result = JSON.parse(output.toString());
    expect(result.errors).toEqual([]);
    expect(result).toEqual(expect.objectContaining({ valid: true, version: '3.1' }));
  });

  it('describes every route of the route table, with its schemas', () => {
    const paths = document.paths as Record<string, Record<string, { requestBody?: unknown; security: unknown[] }>>;
    for (const route of routes) {
      const op = paths[route.path]?.[route.method.toLowerCase()];
      expect(op).toBeDefined();
      if (route.requestSchema) expect(op!.requestBody).toBeDefined();
      if (route.authorized) expect(op!.security).toEqual([{ bearerAuth: [] }]);
    }
    const names = Object.keys((document.components as { schemas: object }).schemas);
    const referenced = routes
      .flatMap((r) => [r.requestSchema, r.responseSchema])
      .filter((n): n is string => Boolean(n));
    for (const name of referenced) expect(names).toContain(name);
  });

  it("documents the billing routes: a required Idempotency-Key, the ledger's schemas, and the analytics billing block", () => {
    const paths = document.paths as Record<
      string,
      Record<string, { parameters?: { name: string; in: string; required: boolean }[] }>
    >;
    const post = paths['/api/patients/{id}/billing/transactions']!.post!;
    expect(post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true })]),
    );
    const schemas = (
      document.components as { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> }
    ).schemas;
    expect(schemas.TransactionInput!.required).toEqual(['type', 'amount', 'description']);
    expect(Object.keys(schemas.BillingAccount!.properties!)).toEqual([
      'accountId',
      'patientId',
      'status',
      'currency',
      'balance',
      'totalCharged',
      'totalPaid',
      'totalRefunded',
      'updatedAt',
    ]);
    expect(schemas.Analytics!.properties!.billing).toBeDefined();
  });

  it('describes the response headers clients rely on, and (locally) the dashboard page', () => {
    const paths = document.paths as Record<
      string,
      Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>
    >;
    const headers = (path: string, method: string, status: number) =>
      Object.keys(paths[path]![method]!.responses[String(status)]!.headers ?? {});
    expect(headers('/api/patients', 'post', 201)).toEqual(['Location', 'ETag']);
    expect(headers('/api/patients/{id}', 'get', 200)).toEqual(['ETag']);
    expect(headers('/api/patients/{id}', 'put', 200)).toEqual(['ETag']);
    expect(headers('/api/auth/login', 'post', 429)).toEqual(['Retry-After']);
    expect(headers('/auth/login', 'post', 429)).toEqual(['Retry-After']);
    // The web app's refresh cookie: set at login and refresh, read by refresh, cleared at logout.
    expect(headers('/api/auth/login', 'post', 200)).toEqual(['Set-Cookie']);
    expect(headers('/api/auth/refresh', 'post', 200)).toEqual(['Set-Cookie']);
    expect(headers('/api/auth/logout', 'post', 204)).toEqual(['Set-Cookie']);
    const refresh = (paths['/api/auth/refresh']!.post as unknown as { parameters: { name: string; in: string }[] })
      .parameters;
    expect(refresh).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: '__Secure-pms-refresh', in: 'cookie' }),
        expect.objectContaining({ name: 'X-Requested-With', in: 'header' }),
      ]),
    );
    expect(headers('/api/patients/{id}/billing/transactions', 'post', 201)).toEqual([
      'Location',
      'Idempotent-Replayed',
    ]);
    expect(headers('/api/patients/{id}/billing/transactions', 'post', 409)).toEqual(['Retry-After']);
    expect(paths['/dashboard']).toBeUndefined(); // not on AWS
    const local = buildOpenApi(routes, schemaRegistry, true).paths as typeof paths;
    expect(local['/dashboard']!.get!.responses['200']).toBeDefined();
  });

  it('documents the FHIR routes with FHIR media types, OperationOutcome errors and the public metadata', () => {
    type Op = {
      security: unknown[];
      requestBody?: { content: Record<string, unknown> };
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
    };
    const paths = document.paths as Record<string, Record<string, Op>>;
    const post = paths['/fhir/R4/Patient']!.post!;
    expect(Object.keys(post.requestBody!.content)).toEqual(['application/fhir+json', 'application/json']);
    expect(post.responses['201']!.content).toEqual({
      'application/fhir+json': { schema: { $ref: '#/components/schemas/FhirPatient' } },
    });
    expect(post.responses['422']!.content).toEqual({
      'application/fhir+json': { schema: { $ref: '#/components/schemas/OperationOutcome' } },
    });
    expect(paths['/fhir/R4/metadata']!.get!.security).toEqual([]);
    expect(paths['/fhir/R4/Patient/{id}/_history/{vid}']!.get!.responses['200']).toBeDefined();
    expect((document.tags as { name: string }[]).map((t) => t.name)).toContain('fhir');
  });
});
