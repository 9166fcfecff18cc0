/** GET /health, GET /api-docs and GET /fhir/R4/metadata. */
import { routes } from '../../system/routes';
import { httpHandler, json, problem } from '../commons/http';
import { notFound } from '../commons/errors';
import { capabilityStatement } from '../patients/fhir/capability-statement';
import { configuredChecks, runChecks } from './health';
import { buildOpenApi } from './openapi';
import { schemaRegistry } from './schemas';

const checks = configuredChecks();
let openApi: Record<string, unknown> | undefined;

export const handler = httpHandler(async (event) => {
  if (event.resource === '/health') {
    const { healthy, components } = await runChecks(checks);
    if (healthy) return json(200, { status: 'ok', components });
    // A 503 is an error like any other: problem details, plus every component's state.
    const down = Object.entries(components).filter(([, c]) => c.status === 'down').map(([name]) => name);
    const response = problem(503, `Unavailable: ${down.join(', ')}`);
    return { ...response, body: JSON.stringify({ ...JSON.parse(response.body), components }) };
  }
  if (event.resource === '/api-docs') {
    openApi ??= buildOpenApi(routes, schemaRegistry, process.env.LOCAL_RUNTIME === 'true');
    return json(200, openApi, { 'Cache-Control': 'public, max-age=300' });
  }
  if (event.resource === '/fhir/R4/metadata') {
    // Static: the same for every caller, so it may be cached.
    return json(200, capabilityStatement(), { 'Content-Type': 'application/fhir+json; charset=utf-8', 'Cache-Control': 'public, max-age=300' });
  }
  throw notFound();
});
