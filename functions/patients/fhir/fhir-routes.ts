/**
 * The FHIR R4 Patient routes (contract "v2 · FHIR R4"): a second view of the patient use cases, never a
 * second copy of their rules. Each route turns the FHIR request into a use-case call (so roles, events,
 * billing and audit are the REST routes' own) and the result into FHIR JSON; every error is an OperationOutcome.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from '../../commons/zod';
import { HttpError } from '../../commons/errors';
import { header, json, noContent, parseBody, withOutageAnswered } from '../../commons/http';
import { logger } from '../../commons/logger';
import type { RouteKey } from '../../../system/routes';
import { PatientError } from '../domain/errors';
import { PROBLEM_OF } from '../http-status';
import type { PatientPorts, RequestContext } from '../ports';
import {
  createPatient,
  deletePatient,
  findPatients,
  getPatient,
  getPatientHistory,
  getPatientVersion,
  updatePatient,
} from '../use-cases';
import { historyBundle, searchBundle, weakEtag } from './bundles';
import { FhirError, invalid, issueCodeOf, operationOutcome, type FhirIssue } from './outcome';
import { fhirPatientInput, toFhirPatient } from './patient-resource';
import { checkFormat, parsePatientSearch, type QueryValues } from './search-parameters';

export const FHIR_BASE_PATH = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const BODY_TYPES = new Set(['application/fhir+json', 'application/json']);

const fhirJson = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  json(status, body, { 'Content-Type': FHIR_JSON, ...headers });

type FhirRouteKey = Extract<RouteKey<'patients'>, `${string} ${typeof FHIR_BASE_PATH}/${string}`>;
type Interaction = (
  ports: PatientPorts,
  ctx: RequestContext,
  event: APIGatewayProxyEvent,
  request: { query: QueryValues; base: string; id?: string },
) => Promise<APIGatewayProxyResult>;

const INTERACTIONS: Record<FhirRouteKey, Interaction> = {
  'GET /fhir/R4/Patient': async (ports, ctx, _event, { query, base }) => {
    const page = await findPatients(ports, ctx, () => parsePatientSearch(query));
    return fhirJson(200, searchBundle(page, base, searchQueryOf(query), query._cursor?.[0]));
  },
  'POST /fhir/R4/Patient': async (ports, ctx, event, { base }) => {
    const { patient } = await createPatient(ports, ctx, { input: () => fhirPatientInput(bodyOf(event)) });
    return fhirJson(201, toFhirPatient(patient), {
      Location: `${base}/Patient/${patient.id}/_history/${patient.version}`,
      ...versionHeaders(patient),
    });
  },
  'GET /fhir/R4/Patient/{id}': async (ports, ctx, _event, { id }) => {
    const patient = await getPatient(ports, ctx, id);
    return fhirJson(200, toFhirPatient(patient), versionHeaders(patient));
  },
  'PUT /fhir/R4/Patient/{id}': async (ports, ctx, event, { id }) => {
    const input = () => {
      const body = bodyOf(event);
      const bodyId = (body as { id?: unknown } | null)?.id;
      if (bodyId === undefined)
        throw invalid('The resource must carry its id (the id in the URL)', 'Patient.id', 'required');
      if (bodyId !== id) throw invalid('The resource id differs from the id in the URL', 'Patient.id');
      return fhirPatientInput(body);
    };
    const patient = await updatePatient(ports, ctx, { id, input, ifMatch: strongIfMatch(header(event, 'If-Match')) });
    return fhirJson(200, toFhirPatient(patient), versionHeaders(patient));
  },
  'DELETE /fhir/R4/Patient/{id}': async (ports, ctx, event, { id }) => {
    try {
      await deletePatient(ports, ctx, id, strongIfMatch(header(event, 'If-Match')));
    } catch (error) {
      // Deleting a deleted resource has no effect and answers as the first delete did (FHIR R4 http.html#delete).
      if (!(error instanceof PatientError && error.kind === 'GONE')) throw error;
    }
    return noContent();
  },
  'GET /fhir/R4/Patient/{id}/_history': async (ports, ctx, _event, { id, base }) => {
    const { versions } = await getPatientHistory(ports, ctx, id);
    return fhirJson(200, historyBundle(versions, base, id!));
  },
  'GET /fhir/R4/Patient/{id}/_history/{vid}': async (ports, ctx, event, { id }) => {
    const patient = await getPatientVersion(ports, ctx, id, event.pathParameters?.vid);
    return fhirJson(200, toFhirPatient(patient), versionHeaders(patient));
  },
};

/** The FHIR routes of the patients function's dispatch table: each answers every error as an OperationOutcome. */
export const FHIR_ROUTES = Object.fromEntries(
  Object.entries(INTERACTIONS).map(([key, interaction]) => [
    key,
    async (ports: PatientPorts, ctx: RequestContext, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      try {
        const query = queryOf(event);
        checkFormat(query);
        return await interaction(ports, ctx, event, { query, base: baseUrl(event), id: event.pathParameters?.id });
      } catch (error) {
        return outcomeResponse(error, event);
      }
    },
  ]),
) as Record<
  FhirRouteKey,
  (ports: PatientPorts, ctx: RequestContext, event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>
>;

/** ETag (weak, FHIR's form) and Last-Modified of a version. */
function versionHeaders(patient: { version: number; updatedAt: string }): Record<string, string> {
  return { ETag: weakEtag(patient.version), 'Last-Modified': new Date(patient.updatedAt).toUTCString() };
}

/**
 * FHIR's If-Match carries the weak ETag the server gave (`W/"3"`); versions are exact, so the use cases'
 * strong comparison applies to the version it names.
 */
export function strongIfMatch(value: string | undefined): string | undefined {
  return value
    ?.split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .join(', ');
}

/** Every value of every query parameter (a repeated parameter is an AND in FHIR search). */
function queryOf(event: APIGatewayProxyEvent): QueryValues {
  const multi = event.multiValueQueryStringParameters;
  if (multi) return { ...multi };
  return Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).map(([k, v]) => [k, v === undefined ? [] : [v]]),
  );
}

/** The search as the client asked it, without the page position: the base of `self` and `next`. */
function searchQueryOf(query: QueryValues): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(query)) {
    if (name !== '_cursor') for (const value of values ?? []) params.append(name, value);
  }
  return params;
}

/** The JSON body of a create or update: FHIR JSON or plain JSON (another media type → 415). */
function bodyOf(event: APIGatewayProxyEvent): unknown {
  const type = header(event, 'Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (type && !BODY_TYPES.has(type)) {
    throw new FhirError(415, [
      { code: 'not-supported', diagnostics: 'The body must be application/fhir+json or application/json' },
    ]);
  }
  return parseBody(event, z.unknown());
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The absolute base of links and fullUrls, as the client reached the API: its Host, and the stage when
 * the client called API Gateway's own domain (https://<id>.execute-api.<region>.amazonaws.com/prod).
 */
export function baseUrl(event: APIGatewayProxyEvent): string {
  const domain = event.requestContext?.domainName ?? 'localhost';
  const hostHeader = header(event, 'Host');
  const host = hostHeader && HOST.test(hostHeader) ? hostHeader : domain;
  const forwarded = header(event, 'X-Forwarded-Proto')?.split(',')[0]?.trim();
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  const proto = forwarded === 'http' || forwarded === 'https' ? forwarded : loopback ? 'http' : 'https';
  const stage = /\.execute-api\./.test(host) && event.requestContext?.stage ? `/${event.requestContext.stage}` : '';
  return `${proto}://${host}${stage}${FHIR_BASE_PATH}`;
}

/** A patient refusal's issues: a duplicate names where FHIR keeps the email, field errors their field. */
function patientIssues(error: PatientError, status: number): FhirIssue[] {
  if (error.kind === 'EMAIL_TAKEN')
    return [{ code: 'duplicate', diagnostics: error.message, expression: 'Patient.telecom' }];
  const code = issueCodeOf(status);
  if (error.errors?.length) return error.errors.map((e) => ({ code, diagnostics: `${e.field}: ${e.message}` }));
  return [{ code, diagnostics: error.kind === 'GONE' ? 'The patient was deleted' : error.message }];
}

/**
 * Any error as an OperationOutcome with its status; a dependency that did not answer is a 503 with Retry-After; an
 * unexpected one is logged (no personal data) and is a 500.
 */
export function outcomeResponse(
  thrown: unknown,
  event: Pick<APIGatewayProxyEvent, 'resource' | 'httpMethod'>,
): APIGatewayProxyResult {
  const error = withOutageAnswered(thrown, event);
  let status: number;
  let issues: FhirIssue[];
  let headers: Record<string, string> = {};
  if (error instanceof FhirError) {
    ({ status, issues } = error);
  } else if (error instanceof PatientError) {
    status = error.kind === 'GONE' ? 410 : PROBLEM_OF[error.kind].status;
    issues = patientIssues(error, status);
    const retryAfter = PROBLEM_OF[error.kind].retryAfterSeconds;
    if (retryAfter !== undefined) headers = { 'Retry-After': String(retryAfter) };
  } else if (error instanceof HttpError) {
    status = error.status;
    headers = error.headers;
    issues = [{ code: issueCodeOf(status), diagnostics: error.detail }];
  } else {
    logger.error('Unhandled error', {
      errorName: (error as Error)?.name,
      route: event.resource,
      method: event.httpMethod,
    });
    status = 500;
    issues = [{ code: 'exception', diagnostics: 'The server could not complete the request' }];
  }
  return fhirJson(status, operationOutcome(issues), headers);
}
