/**
 * The patients function: API Gateway REST proxy events for /api/patients, /api/patients/{id}, a patient's
 * history and audit, and /api/audit.
 * Thin: turns the event into a use-case call and the result into an HTTP response.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { checkingToken } from '../authorizer/in-function';
import { callerOf } from '../commons/caller';
import { HttpError, httpErrorOf, type ProblemOfKind } from '../commons/errors';
import { header, httpHandler, json, noContent, parseBody } from '../commons/http';
import { PatientError, type PatientErrorKind } from './domain/errors';
import { etagOf } from './domain/patient';
import { patientPorts } from './ports-from-env';
import type { PatientPorts, RequestContext } from './ports';
import { PatientInput } from './schemas';
import { createPatient, deletePatient, getPatient, getPatientHistory, listPatients, readAudit, readPatientAudit, updatePatient } from './use-cases';

const PROBLEM_OF: Record<PatientErrorKind, ProblemOfKind> = {
  FORBIDDEN: { status: 403 },
  NOT_FOUND: { status: 404 },
  EMAIL_TAKEN: { status: 409 },
  VERSION_MISMATCH: { status: 412 },
  INVALID_QUERY: { status: 400 },
  IDEMPOTENCY_KEY_REUSED: { status: 422 },
  // The first request with this key is still running: its answer is a second or so away.
  IDEMPOTENCY_IN_PROGRESS: { status: 409, retryAfterSeconds: 1 },
  IDEMPOTENT_TARGET_DELETED: { status: 409 },
};

const MAX_IDEMPOTENCY_KEY = 255;

export async function route(ports: PatientPorts, event: APIGatewayProxyEvent, context: Pick<Context, 'awsRequestId'>): Promise<APIGatewayProxyResult> {
  const ctx: RequestContext = {
    caller: callerOf(event),
    requestId: event.requestContext?.requestId ?? context.awsRequestId,
  };
  const id = event.pathParameters?.id;
  const input = () => parseBody(event, PatientInput);
  const key = `${event.httpMethod} ${event.resource}`;
  try {
    switch (key) {
      case 'GET /api/patients':
        return json(200, await listPatients(ports, ctx, event.queryStringParameters ?? {}));
      case 'POST /api/patients': {
        const { patient, replayed } = await createPatient(ports, ctx, { input, idempotencyKey: idempotencyKeyOf(event) });
        const headers: Record<string, string> = { Location: `/api/patients/${patient.id}`, ETag: etagOf(patient.version) };
        if (replayed) headers['Idempotent-Replayed'] = 'true';
        return json(201, patient, headers);
      }
      case 'GET /api/patients/{id}': {
        const patient = await getPatient(ports, ctx, id);
        return json(200, patient, { ETag: etagOf(patient.version) });
      }
      case 'GET /api/patients/{id}/history':
        return json(200, await getPatientHistory(ports, ctx, id));
      case 'GET /api/patients/{id}/audit':
        return json(200, await readPatientAudit(ports, ctx, id, event.queryStringParameters ?? {}));
      case 'GET /api/audit':
        return json(200, await readAudit(ports, ctx, event.queryStringParameters ?? {}));
      case 'PUT /api/patients/{id}': {
        const patient = await updatePatient(ports, ctx, { id, input, ifMatch: header(event, 'If-Match') });
        return json(200, patient, { ETag: etagOf(patient.version) });
      }
      case 'DELETE /api/patients/{id}':
        await deletePatient(ports, ctx, id, header(event, 'If-Match'));
        return noContent();
      default:
        throw new HttpError(405, 'This method is not allowed on this resource');
    }
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
    throw new HttpError(400, 'Invalid Idempotency-Key header', [{ field: 'Idempotency-Key', message: `Must be 1-${MAX_IDEMPOTENCY_KEY} visible ASCII characters` }]);
  }
  return value;
}

export const handler = httpHandler(checkingToken((event, context) => route(patientPorts(), event, context)));
