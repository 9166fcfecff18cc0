/**
 * The OpenAPI 3.1 document, generated from the route table and the request/response schemas the
 * functions validate with: nothing in it is kept by hand, so it cannot drift from the code.
 */
import * as z from '../commons/zod';
import type { RouteDefinition } from '../../system/routes';
import { problemOf } from '../commons/errors';

/** The Retry-After of a 503 whose route documents no other. */
const DEPENDENCY_RETRY_AFTER = {
  name: 'Retry-After',
  description: 'Seconds to wait before trying again; while a service the API depends on does not answer',
  schema: { type: 'integer', minimum: 1 },
} as const;

type JsonObject = Record<string, unknown>;

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.string(),
    errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
  })
  .check(z.meta({ description: 'RFC 9457 problem details' }));

function toJsonSchema(schema: z.ZodMiniType): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function operationId(route: RouteDefinition): string {
  const words = route.path.replace(/[{}.]/g, '').split(/[/-]/).filter(Boolean);
  return route.method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function operation(route: RouteDefinition, schemas: Record<string, z.ZodMiniType>): JsonObject {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => {
    const declared = route.pathParameters?.find((p) => p.name === m[1]);
    return {
      name: m[1],
      in: 'path',
      required: true,
      ...(declared
        ? { description: declared.description, schema: declared.schema }
        : { schema: { type: 'string', format: 'uuid' } }),
    };
  });
  const [media, errorMedia, errorSchema] =
    route.format === 'fhir'
      ? ['application/fhir+json', 'application/fhir+json', 'OperationOutcome']
      : ['application/json', 'application/problem+json', 'Problem'];
  const parameters = [
    ...pathParams,
    ...(route.query ?? []).map((p) => ({
      name: p.name,
      in: 'query',
      required: false,
      description: p.description,
      schema: p.schema,
    })),
    ...(route.headers ?? []).map((p) => ({
      name: p.name,
      in: 'header',
      required: p.required ?? false,
      description: p.description,
      schema: p.schema,
    })),
    ...(route.cookies ?? []).map((p) => ({
      name: p.name,
      in: 'cookie',
      required: false,
      description: p.description,
      schema: p.schema,
    })),
  ];
  const headersOf = (status: number) => {
    // Every function may find a dependency not answering: 503 with Retry-After, documented where a route says nothing.
    const list = route.responseHeaders?.[status] ?? (status === 503 ? [DEPENDENCY_RETRY_AFTER] : undefined);
    return list
      ? { headers: Object.fromEntries(list.map((h) => [h.name, { description: h.description, schema: h.schema }])) }
      : {};
  };
  const success = {
    description: 'Success',
    ...headersOf(route.successStatus),
    ...(route.responseSchema && schemas[route.responseSchema]
      ? { content: { [media]: { schema: ref(route.responseSchema) } } }
      : {}),
  };
  const errors = Object.fromEntries(
    [...new Set([...route.errorStatuses, 500, 503])].map((status) => [
      String(status),
      {
        description: problemOf(status, '').title,
        ...headersOf(status),
        content: { [errorMedia]: { schema: ref(errorSchema && schemas[errorSchema] ? errorSchema : 'Problem') } },
      },
    ]),
  );
  const security =
    route.authorized || route.bearer === 'required'
      ? [{ bearerAuth: [] }]
      : route.bearer === 'optional'
        ? [{}, { bearerAuth: [] }]
        : [];
  return {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(route.requestSchema && schemas[route.requestSchema]
      ? {
          requestBody: {
            required: true,
            content:
              route.format === 'fhir'
                ? {
                    'application/fhir+json': { schema: ref(route.requestSchema) },
                    'application/json': { schema: ref(route.requestSchema) },
                  }
                : { 'application/json': { schema: ref(route.requestSchema) } },
          },
        }
      : {}),
    responses: { [String(route.successStatus)]: success, ...errors },
    security,
  };
}

/** Served by the local runtime only (`npm start`), beside the API; on AWS its twin is the CloudWatch dashboard. */
const LOCAL_PAGES: Record<string, JsonObject> = {
  '/dashboard': {
    get: {
      operationId: 'getDashboard',
      tags: ['platform'],
      security: [],
      summary: 'Analytics charts (local runtime only; on AWS the CloudWatch dashboard of the DashboardUrl output)',
      responses: {
        200: {
          description: 'An HTML page drawing GET /api/analytics',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
    },
  },
  '/_local/mailbox': {
    get: {
      operationId: 'getLocalMailbox',
      tags: ['platform'],
      security: [],
      summary:
        'Every message the system would have sent (verification codes), newest first (local runtime only; on AWS mail goes out through Amazon SES)',
      parameters: [
        {
          name: 'to',
          in: 'query',
          required: false,
          description: 'Only messages to this address (case-insensitive)',
          schema: { type: 'string' },
        },
      ],
      responses: {
        200: {
          description: 'The messages',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['messages'],
                properties: {
                  messages: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['to', 'subject', 'text', 'code', 'sentAt'],
                      properties: {
                        to: { type: 'string' },
                        subject: { type: 'string' },
                        text: { type: 'string' },
                        code: { type: ['string', 'null'] },
                        sentAt: { type: 'string', format: 'date-time' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** `localPages`: the local runtime's document also describes the pages it serves beside the API. */
export function buildOpenApi(
  routes: RouteDefinition[],
  schemas: Record<string, z.ZodMiniType>,
  localPages = false,
): JsonObject {
  const paths: Record<string, JsonObject> = localPages ? { ...LOCAL_PAGES } : {};
  for (const route of routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, schemas);
  const components = Object.fromEntries(
    Object.entries({ ...schemas, Problem: ProblemSchema }).map(([name, schema]) => [name, toJsonSchema(schema)]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Patient Management API',
      version: '1.0.0',
      description:
        'Patient records, billing accounts and analytics. Errors are RFC 9457 problem details. Bodies over 64 KiB → 413; unknown fields → 400.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'auth' },
      { name: 'users' },
      { name: 'patients' },
      { name: 'billing' },
      { name: 'analytics' },
      { name: 'platform' },
      {
        name: 'fhir',
        description:
          'HL7 FHIR R4 (4.0.1): the same patient records as Patient resources; errors are OperationOutcome resources',
      },
    ],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
