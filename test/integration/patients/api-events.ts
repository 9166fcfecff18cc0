/** Builds API Gateway REST proxy events for the patients function, as the gateway and authorizer deliver them. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Role } from '../../../functions/commons/roles';

/** `emailVerified` defaults to true (as for users an admin created, or who confirmed their code); false: a self-signed-up patient who has not confirmed theirs. */
export interface TestCaller {
  userId: string;
  email: string;
  role: Role;
  emailVerified?: boolean;
}

export const admin: TestCaller = { userId: 'u-admin', email: 'admin@clinic.test', role: 'admin' };
export const clinician: TestCaller = { userId: 'u-clinician', email: 'clinician@clinic.test', role: 'clinician' };
export const patientUser = (email: string): TestCaller => ({ userId: `u-${email}`, email, role: 'patient' });

export interface RequestInput {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  id?: string;
  /** A sub-resource of the patient (`history`, `audit`), or a whole other resource path (`/api/audit`). */
  sub?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  caller?: TestCaller;
}

export function apiEvent({
  method,
  id,
  sub,
  body,
  rawBody,
  headers = {},
  query,
  caller = admin,
}: RequestInput): APIGatewayProxyEvent {
  const other = sub?.startsWith('/') ? sub : undefined;
  const suffix = sub && !other ? `/${sub}` : '';
  const resource = other ?? (id === undefined ? '/api/patients' : `/api/patients/{id}${suffix}`);
  const path = other ?? (id === undefined ? '/api/patients' : `/api/patients/${id}${suffix}`);
  const requestId = randomUUID();
  return {
    resource,
    path,
    httpMethod: method,
    headers: { 'Content-Type': 'application/json', ...headers },
    multiValueHeaders: {},
    queryStringParameters: query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: id === undefined ? null : { id },
    stageVariables: null,
    body: rawBody ?? (body === undefined ? null : JSON.stringify(body)),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      resourcePath: resource,
      httpMethod: method,
      path,
      stage: 'prod',
      // API Gateway passes the authorizer's context values as strings.
      authorizer: {
        userId: caller.userId,
        email: caller.email,
        role: caller.role,
        emailVerified: String(caller.emailVerified ?? true),
      },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function client(handler: Handler) {
  return async (input: RequestInput): Promise<TestResponse> => {
    const event = apiEvent(input);
    const result = await handler(event, { awsRequestId: event.requestContext.requestId } as Context);
    return {
      status: result.statusCode,
      headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
      body: result.body ? JSON.parse(result.body) : undefined,
    };
  };
}

let counter = 0;
/** A valid PatientInput; unique email unless overridden. */
export function validInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: `ada.${counter}.${randomUUID().slice(0, 6)}@example.com`,
    dateOfBirth: '1990-12-10',
    address: { street: '1 Analytical St', city: 'London', state: 'CA', zipCode: '90001' },
    phoneNumber: '+1 (555) 010-0000',
    gender: 'female',
    ...overrides,
  };
}
