/**
 * The patients function: API Gateway REST proxy events for /api/patients, /api/patients/{id}, a patient's
 * history and audit, /api/audit, and the FHIR R4 Patient routes (fhir/).
 * Thin: turns the event into a use-case call and the result into an HTTP response.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { checkingToken } from '../authorizer/in-function';
import { requestContextOf } from '../commons/caller';
import { HttpError, httpErrorOf } from '../commons/errors';
import { handlerFor, header, httpHandler, json, noContent, parseBody } from '../commons/http';
import type { RouteKey } from '../../system/routes';
import { PatientError } from './domain/errors';
import { etagOf } from './domain/patient';
import { FHIR_ROUTES } from './fhir/fhir-routes';
import { PROBLEM_OF } from './http-status';
import { patientPorts } from './ports-from-env';
import type { PatientPorts, RequestContext } from './ports';
import { PatientInput } from './schemas';
import {
  createPatient,
  deletePatient,
  getPatient,
  getPatientHistory,
  listPatients,
  readAudit,
  readPatientAudit,
  updatePatient,
} from './use-cases';

const MAX_IDEMPOTENCY_KEY = 255;

type RouteHandler = (
  ports: PatientPorts,
  ctx: RequestContext,
  event: APIGatewayProxyEvent,
) => Promise<APIGatewayProxyResult>;

const input = (event: APIGatewayProxyEvent) => () => parseBody(event, PatientInput);
const id = (event: APIGatewayProxyEvent) => event.pathParameters?.id;
const query = (event: APIGatewayProxyEvent) => event.queryStringParameters ?? {};

const ROUTES: Record<RouteKey<'patients'>, RouteHandler> = {
  'GET /api/patients': async (ports, ctx, event) => json(200, await listPatients(ports, ctx, query(event))),
  'POST /api/patients': async (ports, ctx, event) => {
    const { patient, replayed } = await createPatient(ports, ctx, {
      input: input(event),
      idempotencyKey: idempotencyKeyOf(event),
    });
    const headers: Record<string, string> = { Location: `/api/patients/${patient.id}`, ETag: etagOf(patient.version) };
    if (replayed) headers['Idempotent-Replayed'] = 'true';
    return json(201, patient, headers);
  },
  'GET /api/patients/{id}': async (ports, ctx, event) => {
    const patient = await getPatient(ports, ctx, id(event));
    return json(200, patient, { ETag: etagOf(patient.version) });
  },
  'PUT /api/patients/{id}': async (ports, ctx, event) => {
    const patient = await updatePatient(ports, ctx, {
      id: id(event),
      input: input(event),
      ifMatch: header(event, 'If-Match'),
    });
    return json(200, patient, { ETag: etagOf(patient.version) });
  },
  'DELETE /api/patients/{id}': async (ports, ctx, event) => {
    await deletePatient(ports, ctx, id(event), header(event, 'If-Match'));
    return noContent();
  },
  'GET /api/patients/{id}/history': async (ports, ctx, event) =>
    json(200, await getPatientHistory(ports, ctx, id(event))),
  'GET /api/patients/{id}/audit': async (ports, ctx, event) =>
    json(200, await readPatientAudit(ports, ctx, id(event), query(event))),
  'GET /api/audit': async (ports, ctx, event) => json(200, await readAudit(ports, ctx, query(event))),
  // The FHIR R4 view of the same records: its own formats and errors (OperationOutcome), the same use cases.
  ...FHIR_ROUTES,
};

export async function route(
  ports: PatientPorts,
  event: APIGatewayProxyEvent,
  context: Pick<Context, 'awsRequestId'>,
): Promise<APIGatewayProxyResult> {
  const ctx = requestContextOf(event, context);
  try {
    return await handlerFor(ROUTES, event)(ports, ctx, event);
  } catch (error) {
    if (!(error instanceof PatientError)) throw error;
    throw httpErrorOf(PROBLEM_OF, error);
  }
}

/** The Idempotency-Key header, checked for shape (the use case scopes it to the caller). */
function idempotencyKeyOf(event: APIGatewayProxyEvent): string | undefined {
  const raw = header(event, 'Idempotency-Key');
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY || !/^[\x21-\x7e]+$/.test(value)) {
    throw new HttpError(400, 'Invalid Idempotency-Key header', [
      { field: 'Idempotency-Key', message: `Must be 1-${MAX_IDEMPOTENCY_KEY} visible ASCII characters` },
    ]);
  }
  return value;
}

export const handler = httpHandler(checkingToken((event, context) => route(patientPorts(), event, context)));
