/** GET /health, GET /api-docs and GET /fhir/R4/metadata. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { routes, type RouteKey } from '../../system/routes';
import { handlerFor, httpHandler, json, problem } from '../commons/http';
import { capabilityStatement } from '../patients/fhir/capability-statement';
import { configuredChecks, runChecks } from './health';

const checks = configuredChecks();
let openApi: Record<string, unknown> | undefined;

/** The OpenAPI document, built from every context's schemas on the first /api-docs: /health never loads them. */
async function openApiDocument(): Promise<Record<string, unknown>> {
  const [{ buildOpenApi }, { schemaRegistry }] = await Promise.all([import('./openapi'), import('./schemas')]);
  return buildOpenApi(routes, schemaRegistry, process.env.LOCAL_RUNTIME === 'true');
}

const ROUTES: Record<RouteKey<'platform'>, () => Promise<APIGatewayProxyResult>> = {
  'GET /health': async () => {
    const { healthy, components } = await runChecks(checks);
    if (healthy) return json(200, { status: 'ok', components });
    // A 503 is an error like any other: problem details, plus every component's state.
    const down = Object.entries(components)
      .filter(([, c]) => c.status === 'down')
      .map(([name]) => name);
    const response = problem(503, `Unavailable: ${down.join(', ')}`);
    return { ...response, body: JSON.stringify({ ...JSON.parse(response.body), components }) };
  },
  'GET /api-docs': async () => {
    openApi ??= await openApiDocument();
    return json(200, openApi, { 'Cache-Control': 'public, max-age=300' });
  },
  // Static: the same for every caller, so it may be cached.
  'GET /fhir/R4/metadata': async () =>
    json(200, capabilityStatement(), {
      'Content-Type': 'application/fhir+json; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
    }),
};

export const handler = httpHandler((event) => handlerFor(ROUTES, event)());
