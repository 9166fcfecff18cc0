/**
 * The one description of the HTTP API: every route, the function that serves it, and whether the
 * TOKEN authorizer guards it. The CDK API stack, the local gateway and the OpenAPI document all read it.
 */
import type { FunctionName } from './functions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway resource path, with `{param}` placeholders. */
  path: string;
  function: FunctionName;
  /** True when the Lambda TOKEN authorizer must allow the request first. */
  authorized: boolean;
  summary: string;
  tag: 'auth' | 'users' | 'patients' | 'billing' | 'analytics' | 'platform' | 'fhir';
  /** Names of schemas in the OpenAPI registry (functions/platform/openapi.ts). */
  requestSchema?: string;
  responseSchema?: string;
  /** Status codes this route answers besides the success one, for the OpenAPI document. */
  successStatus: number;
  errorStatuses: number[];
  /** A Bearer token the function itself checks (routes outside the authorizer that still read one). */
  bearer?: 'required' | 'optional';
  /** Query parameters and request headers the route reads, for the OpenAPI document. */
  query?: ParameterDefinition[];
  headers?: ParameterDefinition[];
  /** Cookies the route reads (the web app's refresh cookie), for the OpenAPI document. */
  cookies?: ParameterDefinition[];
  /** Headers of the success response, and of an error response by status, for the OpenAPI document. */
  responseHeaders?: Partial<Record<number, ParameterDefinition[]>>;
  /** `fhir`: bodies are application/fhir+json and errors OperationOutcome resources (default: JSON and problem+json). */
  format?: 'fhir';
  /** Path parameters that are not record ids (UUIDs), for the OpenAPI document. */
  pathParameters?: ParameterDefinition[];
  /** The path of the route this one answers exactly as (the original system's aliases); its function has no handler of its own for it. */
  aliasOf?: string;
}

export interface ParameterDefinition {
  name: string;
  description: string;
  schema: { type: 'string' | 'integer'; minimum?: number; maximum?: number; enum?: readonly string[]; format?: string };
  /** A header the route refuses to do without (400 naming it). */
  required?: boolean;
}

/** A route, its method, path and function kept as literal types: they make the typed dispatch table (RouteKey). */
const route = <
  const M extends HttpMethod,
  const P extends string,
  const F extends FunctionName,
  const A extends string | undefined = undefined,
>(
  r: RouteDefinition & { method: M; path: P; function: F; aliasOf?: A },
) =>
  r as RouteDefinition & { method: M; path: P; function: F } & (A extends string
      ? { aliasOf: A }
      : { aliasOf?: undefined });

const text = { type: 'string' } as const;
const ETAG = {
  name: 'ETag',
  description: 'The patient\'s version, quoted ("3"); send it back in If-Match',
  schema: text,
};
const retryAfter = (when: string) =>
  ({
    name: 'Retry-After',
    description: `Seconds to wait before trying again; ${when}`,
    schema: { type: 'integer', minimum: 1 },
  }) as const;
const LIMIT = {
  name: 'limit',
  description: 'Page size, 1-100 (default 20)',
  schema: { type: 'integer', minimum: 1, maximum: 100 },
} as const;
const CURSOR = { name: 'cursor', description: 'Opaque cursor from the previous page (nextCursor)', schema: text };
/** The actions an audit entry records (functions/patients/domain/access.ts; this file imports no function code). */
const AUDIT_ACTIONS = ['LIST', 'READ', 'CREATE', 'UPDATE', 'DELETE', 'HISTORY', 'AUDIT_READ'] as const;
const FHIR_ETAG = { name: 'ETag', description: 'The version, weak (W/"3"); send it back in If-Match', schema: text };
const FHIR_FORMAT = {
  name: '_format',
  description: 'json, application/json or application/fhir+json (others → 406)',
  schema: text,
};
const SET_REFRESH_COOKIE = {
  name: 'Set-Cookie',
  schema: text,
  description:
    'The refresh token again, for the web app: __Secure-pms-refresh, HttpOnly, Secure, SameSite=Strict, Path=/api/auth (functions/auth/refresh-cookie.ts)',
};
const CLEAR_REFRESH_COOKIE = {
  name: 'Set-Cookie',
  schema: text,
  description: "Clears the web app's refresh cookie (__Secure-pms-refresh)",
};
const LOGIN_HEADERS = {
  200: [SET_REFRESH_COOKIE],
  429: [retryAfter('after too many failed logins for one email from one address')],
  503: [retryAfter('while too many passwords are being checked at once')],
};

export const routes = [
  route({
    method: 'GET',
    path: '/health',
    function: 'platform',
    authorized: false,
    tag: 'platform',
    summary: 'Health of every dependency',
    responseSchema: 'Health',
    successStatus: 200,
    errorStatuses: [503],
  }),
  route({
    method: 'GET',
    path: '/api-docs',
    function: 'platform',
    authorized: false,
    tag: 'platform',
    summary: 'This OpenAPI 3.1 document',
    successStatus: 200,
    errorStatuses: [],
  }),
  route({
    method: 'GET',
    path: '/.well-known/jwks.json',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary: 'Public keys that verify access tokens',
    responseSchema: 'Jwks',
    successStatus: 200,
    errorStatuses: [],
  }),

  route({
    method: 'POST',
    path: '/api/auth/signup',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary:
      'Create a user (a role other than patient needs an admin token); a self-signed-up patient is mailed a verification code',
    requestSchema: 'SignupRequest',
    bearer: 'optional',
    responseSchema: 'User',
    successStatus: 201,
    errorStatuses: [400, 401, 403, 409, 413, 503],
  }),
  route({
    method: 'POST',
    path: '/api/auth/login',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary: 'Exchange email and password for tokens',
    requestSchema: 'LoginRequest',
    responseSchema: 'TokenPair',
    successStatus: 200,
    errorStatuses: [400, 401, 413, 429, 503],
    responseHeaders: LOGIN_HEADERS,
  }),
  route({
    method: 'POST',
    path: '/api/auth/refresh',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary:
      "Rotate a refresh token for a new token pair: the body's, or else the web app's cookie (then the X-Requested-With header and a JSON body are required, else 403)",
    requestSchema: 'RefreshRequest',
    responseSchema: 'TokenPair',
    successStatus: 200,
    errorStatuses: [400, 401, 403, 413],
    cookies: [
      {
        name: '__Secure-pms-refresh',
        description: "The web app's refresh token, read when the body has none",
        schema: text,
      },
    ],
    headers: [
      {
        name: 'X-Requested-With',
        description: 'Any value; required when the refresh cookie authenticates the request (CSRF protection)',
        schema: text,
      },
    ],
    responseHeaders: { 200: [SET_REFRESH_COOKIE], 401: [CLEAR_REFRESH_COOKIE] },
  }),
  route({
    method: 'POST',
    path: '/api/auth/logout',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary: "Revoke the presented access token and its refresh token (and clear the web app's refresh cookie)",
    bearer: 'required',
    successStatus: 204,
    errorStatuses: [401],
    responseHeaders: { 204: [CLEAR_REFRESH_COOKIE], 401: [CLEAR_REFRESH_COOKIE] },
  }),
  route({
    method: 'POST',
    path: '/api/auth/password',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary: "Change the signed-in user's password: every earlier login ends, a new one is returned",
    bearer: 'required',
    requestSchema: 'PasswordChangeRequest',
    responseSchema: 'TokenPair',
    successStatus: 200,
    errorStatuses: [400, 401, 403, 413, 429, 503],
    responseHeaders: LOGIN_HEADERS,
  }),
  route({
    method: 'POST',
    path: '/api/auth/verify-email',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary: 'Confirm the email address with the one-time code mailed at signup (a patient sees no record before)',
    requestSchema: 'VerifyEmailRequest',
    successStatus: 204,
    errorStatuses: [400, 413],
  }),
  route({
    method: 'POST',
    path: '/api/auth/verification-code',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary: 'Mail a new verification code (same answer for every address; at most five an hour per user)',
    requestSchema: 'VerificationCodeRequest',
    successStatus: 204,
    errorStatuses: [400, 413],
  }),
  route({
    method: 'GET',
    path: '/api/auth/validate',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary: 'Describe the presented access token',
    bearer: 'required',
    responseSchema: 'TokenInfo',
    successStatus: 200,
    errorStatuses: [401],
  }),
  route({
    method: 'GET',
    path: '/api/auth/sessions',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    bearer: 'required',
    summary: "The caller's active logins, newest first (which one is current)",
    responseSchema: 'SessionList',
    successStatus: 200,
    errorStatuses: [401],
  }),
  route({
    method: 'DELETE',
    path: '/api/auth/sessions/{id}',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    bearer: 'required',
    summary: "End one of the caller's logins at once (its access and refresh tokens); another user's id → 404",
    successStatus: 204,
    errorStatuses: [401, 404],
  }),
  route({
    method: 'GET',
    path: '/api/users',
    function: 'auth',
    authorized: false,
    tag: 'users',
    bearer: 'required',
    summary: 'List users, newest first (admin)',
    responseSchema: 'UserPage',
    successStatus: 200,
    errorStatuses: [400, 401, 403],
    query: [
      {
        name: 'role',
        description: 'Only users with this role (admin, clinician, patient)',
        schema: { type: 'string' },
      },
      { name: 'status', description: 'Only active or only disabled users', schema: { type: 'string' } },
      {
        name: 'limit',
        description: 'Page size, 1-100 (default 20)',
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      },
      { name: 'cursor', description: 'nextCursor of the previous page', schema: { type: 'string' } },
    ],
  }),
  route({
    method: 'GET',
    path: '/api/users/{id}',
    function: 'auth',
    authorized: false,
    tag: 'users',
    bearer: 'required',
    summary: 'Read a user (admin)',
    responseSchema: 'ManagedUser',
    successStatus: 200,
    errorStatuses: [401, 403, 404],
  }),
  route({
    method: 'PATCH',
    path: '/api/users/{id}',
    function: 'auth',
    authorized: false,
    tag: 'users',
    bearer: 'required',
    summary:
      "Change a user's role or status (admin): every login of the user ends at once; not yourself, never the last admin (409)",
    requestSchema: 'UserPatch',
    responseSchema: 'ManagedUser',
    successStatus: 200,
    errorStatuses: [400, 401, 403, 404, 409, 413],
  }),
  route({
    method: 'DELETE',
    path: '/api/users/{id}/sessions',
    function: 'auth',
    authorized: false,
    tag: 'users',
    bearer: 'required',
    summary: 'End every login of a user at once (admin)',
    successStatus: 204,
    errorStatuses: [401, 403, 404],
  }),
  // The original system's gateway served auth under /auth/; its clients keep working.
  route({
    method: 'POST',
    path: '/auth/login',
    aliasOf: '/api/auth/login',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary: 'Alias of POST /api/auth/login',
    requestSchema: 'LoginRequest',
    responseSchema: 'TokenPair',
    successStatus: 200,
    errorStatuses: [400, 401, 413, 429, 503],
    responseHeaders: LOGIN_HEADERS,
  }),
  route({
    method: 'GET',
    path: '/auth/validate',
    aliasOf: '/api/auth/validate',
    function: 'auth',
    authorized: false,
    tag: 'auth',
    summary: 'Alias of GET /api/auth/validate',
    bearer: 'required',
    responseSchema: 'TokenInfo',
    successStatus: 200,
    errorStatuses: [401],
  }),

  route({
    method: 'GET',
    path: '/api/patients',
    function: 'patients',
    authorized: true,
    tag: 'patients',
    summary: 'List patients (cursor pagination, prefix search, state filter)',
    responseSchema: 'PatientPage',
    query: [
      {
        name: 'limit',
        description: 'Page size, 1-100 (default 20)',
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      },
      { name: 'cursor', description: 'Opaque cursor from the previous page (nextCursor)', schema: { type: 'string' } },
      {
        name: 'search',
        description: 'Case-insensitive prefix of first name, last name or email',
        schema: { type: 'string' },
      },
      { name: 'state', description: 'Only patients whose address is in this state', schema: { type: 'string' } },
    ],
    successStatus: 200,
    errorStatuses: [400, 401, 403],
  }),
  route({
    method: 'POST',
    path: '/api/patients',
    function: 'patients',
    authorized: true,
    tag: 'patients',
    summary: 'Create a patient and open its billing account',
    requestSchema: 'PatientInput',
    responseSchema: 'Patient',
    headers: [
      {
        name: 'Idempotency-Key',
        description:
          'Same key and body within 24 h returns the first response (409 once that patient is deleted); another body → 422',
        schema: { type: 'string' },
      },
    ],
    successStatus: 201,
    errorStatuses: [400, 401, 403, 409, 413, 422],
    responseHeaders: {
      201: [{ name: 'Location', description: '/api/patients/{id} of the new patient', schema: text }, ETAG],
      409: [
        retryAfter(
          'when the first request with the same Idempotency-Key is still running after a few seconds of waiting for it, or the write kept meeting other writes (not for a taken email)',
        ),
      ],
    },
  }),
  route({
    method: 'GET',
    path: '/api/patients/{id}',
    function: 'patients',
    authorized: true,
    tag: 'patients',
    summary: 'Read a patient',
    responseSchema: 'Patient',
    successStatus: 200,
    errorStatuses: [401, 403, 404],
    responseHeaders: { 200: [ETAG] },
  }),
  route({
    method: 'PUT',
    path: '/api/patients/{id}',
    function: 'patients',
    authorized: true,
    tag: 'patients',
    summary: 'Replace a patient (optional If-Match)',
    requestSchema: 'PatientInput',
    responseSchema: 'Patient',
    headers: [
      {
        name: 'If-Match',
        description:
          'The ETag last read (or a list of them); a stale or weak one → 412. Without it the last writer wins; one still losing races to other writers after several tries → 409 with Retry-After',
        schema: { type: 'string' },
      },
    ],
    successStatus: 200,
    errorStatuses: [400, 401, 403, 404, 409, 412, 413],
    responseHeaders: { 200: [ETAG] },
  }),
  route({
    method: 'DELETE',
    path: '/api/patients/{id}',
    function: 'patients',
    authorized: true,
    tag: 'patients',
    summary: 'Soft-delete a patient (optional If-Match)',
    headers: [
      {
        name: 'If-Match',
        description:
          'The ETag last read (or a list of them); a stale or weak one → 412 and nothing is deleted. Without it a delete still losing races to other writers after several tries → 409 with Retry-After',
        schema: { type: 'string' },
      },
    ],
    successStatus: 204,
    errorStatuses: [401, 403, 404, 409, 412],
  }),

  route({
    method: 'GET',
    path: '/api/patients/{id}/history',
    function: 'patients',
    authorized: true,
    tag: 'patients',
    summary:
      "Every version of a patient, newest first (staff: a deleted record's too; a patient: only their own record, others → 404)",
    responseSchema: 'PatientHistory',
    successStatus: 200,
    errorStatuses: [401, 403, 404],
  }),

  route({
    method: 'GET',
    path: '/api/patients/{id}/audit',
    function: 'patients',
    authorized: true,
    tag: 'patients',
    summary:
      "Who saw or changed a patient's record, newest first (admin, also for a deleted record; a patient: their own record, others → 404; clinician → 403)",
    responseSchema: 'AuditPage',
    query: [LIMIT, CURSOR],
    successStatus: 200,
    errorStatuses: [400, 401, 403, 404],
  }),
  route({
    method: 'GET',
    path: '/api/audit',
    function: 'patients',
    authorized: true,
    tag: 'patients',
    summary: 'The audit trail of every patient record, newest first, filtered (admin only)',
    responseSchema: 'AuditPage',
    query: [
      { name: 'patientId', description: 'Only entries on this patient', schema: { type: 'string', format: 'uuid' } },
      { name: 'actorId', description: 'Only entries of requests by this user', schema: text },
      { name: 'action', description: 'Only entries of this action', schema: { type: 'string', enum: AUDIT_ACTIONS } },
      {
        name: 'from',
        description: 'Only entries at or after: a date (from its start, UTC) or a date-time',
        schema: text,
      },
      { name: 'to', description: 'Only entries at or before: a date (to its end, UTC) or a date-time', schema: text },
      LIMIT,
      CURSOR,
    ],
    successStatus: 200,
    errorStatuses: [400, 401, 403],
  }),
  route({
    method: 'GET',
    path: '/api/patients/{id}/billing',
    function: 'billing-api',
    authorized: true,
    tag: 'billing',
    summary: "The patient's billing account: balance and totals (PENDING with zeros until it is opened)",
    responseSchema: 'BillingAccount',
    successStatus: 200,
    errorStatuses: [401, 403, 404, 503],
    responseHeaders: { 503: [retryAfter('while billing is unreachable')] },
  }),
  route({
    method: 'GET',
    path: '/api/patients/{id}/billing/transactions',
    function: 'billing-api',
    authorized: true,
    tag: 'billing',
    summary: "The account's transactions, newest first (cursor pagination)",
    responseSchema: 'TransactionPage',
    query: [
      {
        name: 'limit',
        description: 'Page size, 1-100 (default 20)',
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      },
      { name: 'cursor', description: 'Opaque cursor from the previous page (nextCursor)', schema: { type: 'string' } },
    ],
    successStatus: 200,
    errorStatuses: [400, 401, 403, 404, 503],
    responseHeaders: { 503: [retryAfter('while billing is unreachable')] },
  }),
  route({
    method: 'POST',
    path: '/api/patients/{id}/billing/transactions',
    function: 'billing-api',
    authorized: true,
    tag: 'billing',
    summary:
      'Record a charge, payment or refund (Idempotency-Key required): the transaction and the balance change are one atomic write',
    requestSchema: 'TransactionInput',
    responseSchema: 'Transaction',
    headers: [
      {
        name: 'Idempotency-Key',
        required: true,
        description:
          'Required, new for each transaction: the same key and body return the same transaction (Idempotent-Replayed: true) and record nothing; another body → 422',
        schema: { type: 'string' },
      },
    ],
    successStatus: 201,
    errorStatuses: [400, 401, 403, 404, 409, 413, 422, 503],
    responseHeaders: {
      201: [
        {
          name: 'Location',
          description: '/api/patients/{id}/billing/transactions/{transactionId} of the transaction',
          schema: text,
        },
        {
          name: 'Idempotent-Replayed',
          description: '"true" when the Idempotency-Key returned an earlier transaction',
          schema: text,
        },
      ],
      409: [retryAfter('while the billing account is still PENDING (being opened)')],
      503: [retryAfter('while billing is unreachable; retry with the same Idempotency-Key')],
    },
  }),
  route({
    method: 'GET',
    path: '/api/patients/{id}/billing/transactions/{transactionId}',
    function: 'billing-api',
    authorized: true,
    tag: 'billing',
    summary: 'One transaction of the account',
    responseSchema: 'Transaction',
    successStatus: 200,
    errorStatuses: [401, 403, 404, 503],
    responseHeaders: { 503: [retryAfter('while billing is unreachable')] },
  }),

  // The FHIR R4 view of the same patient records (contract "v2 · FHIR R4"); metadata is public, so the platform function serves it.
  route({
    method: 'GET',
    path: '/fhir/R4/metadata',
    function: 'platform',
    authorized: false,
    tag: 'fhir',
    format: 'fhir',
    summary: 'The FHIR CapabilityStatement: FHIR 4.0.1, JSON, Patient with its interactions and search parameters',
    responseSchema: 'CapabilityStatement',
    query: [FHIR_FORMAT],
    successStatus: 200,
    errorStatuses: [],
  }),
  route({
    method: 'GET',
    path: '/fhir/R4/Patient',
    function: 'patients',
    authorized: true,
    tag: 'fhir',
    format: 'fhir',
    summary:
      "Search patients (parameters AND-combined; a patient sees only their own record); paged by the Bundle's link next",
    responseSchema: 'FhirBundle',
    successStatus: 200,
    errorStatuses: [400, 401, 403, 406],
    query: [
      { name: '_id', description: 'The patient id', schema: text },
      { name: 'name', description: 'Case-insensitive prefix of the given or family name', schema: text },
      { name: 'family', description: 'Case-insensitive prefix of the family name', schema: text },
      { name: 'given', description: 'Case-insensitive prefix of the given name', schema: text },
      { name: 'email', description: 'The email address, exactly (case-insensitive)', schema: text },
      {
        name: 'birthdate',
        description: 'YYYY, YYYY-MM or YYYY-MM-DD with an optional prefix eq, lt, le, gt or ge (repeat for a range)',
        schema: text,
      },
      { name: 'gender', description: 'male, female, other or unknown (comma-separated: any of them)', schema: text },
      { name: 'address-state', description: 'The address state (case-insensitive)', schema: text },
      {
        name: '_count',
        description: 'Page size, 1-100 (default 20)',
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      },
      { name: '_cursor', description: 'The position a link next carries (opaque)', schema: text },
      FHIR_FORMAT,
    ],
  }),
  route({
    method: 'POST',
    path: '/fhir/R4/Patient',
    function: 'patients',
    authorized: true,
    tag: 'fhir',
    format: 'fhir',
    summary: 'Create a patient (and open its billing account, as POST /api/patients)',
    requestSchema: 'FhirPatient',
    responseSchema: 'FhirPatient',
    successStatus: 201,
    errorStatuses: [400, 401, 403, 409, 413, 415, 422],
    responseHeaders: {
      201: [{ name: 'Location', description: '{base}/Patient/{id}/_history/1', schema: text }, FHIR_ETAG],
    },
  }),
  route({
    method: 'GET',
    path: '/fhir/R4/Patient/{id}',
    function: 'patients',
    authorized: true,
    tag: 'fhir',
    format: 'fhir',
    summary: 'Read a patient (deleted → 410)',
    responseSchema: 'FhirPatient',
    successStatus: 200,
    errorStatuses: [401, 403, 404, 410],
    responseHeaders: { 200: [FHIR_ETAG] },
  }),
  route({
    method: 'PUT',
    path: '/fhir/R4/Patient/{id}',
    function: 'patients',
    authorized: true,
    tag: 'fhir',
    format: 'fhir',
    summary: "Update a patient (the body's id must be the URL's; deleted → 410)",
    requestSchema: 'FhirPatient',
    responseSchema: 'FhirPatient',
    headers: [{ name: 'If-Match', description: 'W/"<version>" last read; a stale one → 412', schema: text }],
    successStatus: 200,
    errorStatuses: [400, 401, 403, 404, 409, 410, 412, 413, 415, 422],
    responseHeaders: { 200: [FHIR_ETAG] },
  }),
  route({
    method: 'DELETE',
    path: '/fhir/R4/Patient/{id}',
    function: 'patients',
    authorized: true,
    tag: 'fhir',
    format: 'fhir',
    summary: 'Delete a patient (admin only; its history stays readable; deleting it again has no effect, 204)',
    headers: [
      {
        name: 'If-Match',
        description: 'W/"<version>" last read; a stale one → 412 and nothing is deleted',
        schema: text,
      },
    ],
    successStatus: 204,
    errorStatuses: [401, 403, 404, 409, 412],
  }),
  route({
    method: 'GET',
    path: '/fhir/R4/Patient/{id}/_history',
    function: 'patients',
    authorized: true,
    tag: 'fhir',
    format: 'fhir',
    summary: 'Every version of a patient, newest first (a history Bundle)',
    responseSchema: 'FhirBundle',
    successStatus: 200,
    errorStatuses: [401, 403, 404],
  }),
  route({
    method: 'GET',
    path: '/fhir/R4/Patient/{id}/_history/{vid}',
    function: 'patients',
    authorized: true,
    tag: 'fhir',
    format: 'fhir',
    summary: 'One version of a patient (vread)',
    responseSchema: 'FhirPatient',
    successStatus: 200,
    errorStatuses: [401, 403, 404],
    pathParameters: [
      { name: 'vid', description: 'The version (meta.versionId)', schema: { type: 'integer', minimum: 1 } },
    ],
    responseHeaders: { 200: [FHIR_ETAG] },
  }),

  route({
    method: 'GET',
    path: '/api/analytics',
    function: 'analytics-query',
    authorized: true,
    tag: 'analytics',
    summary: 'Aggregates of patient and billing events',
    responseSchema: 'Analytics',
    successStatus: 200,
    errorStatuses: [401, 403],
  }),
];

type Route = (typeof routes)[number];
/**
 * `METHOD /path` of every route a function serves itself (not the aliases): the keys of its dispatch table
 * (functions/commons/http.ts, dispatch), so a route added here without a handler fails `tsc`.
 */
export type RouteKey<F extends FunctionName> =
  Exclude<Extract<Route, { function: F }>, { aliasOf: string }> extends infer R
    ? R extends { method: infer M extends string; path: infer P extends string }
      ? `${M} ${P}`
      : never
    : never;

/**
 * How long API Gateway caches an authorizer decision. Zero: a logout (revocation) must take effect on
 * the very next request, so every request is authorized afresh. The local gateway honours the same value.
 *
 * No cache is needed for DynamoDB's partition limits either: each decision reads two items of the sessions
 * table by key (functions/authorizer/login-access.ts), `FAMILY#<login id>` and `ACCOUNT#<user id>`, each its
 * own partition. 100,000 requests/s spread over the logins and users making them, not onto a shared key; one
 * partition serves 3,000 strongly consistent reads/s, i.e. one user's requests, which the stage throttle and
 * the WAF's per-address limit (2,000 in 5 minutes) keep far below that. The reads are strongly consistent
 * (twice the read cost of eventually consistent ones): an eventually consistent read could miss a logout made
 * a moment before, and the contract requires a revoked token be refused, so they stay strong.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 0;

/**
 * Set to "true" on the functions behind authorized routes where a deployment has no Lambda authorizer
 * (LocalStack community profile): they then make the authorizer's decision themselves
 * (functions/authorizer/in-function.ts). `REQUIRE_TOKEN_IN_FUNCTION=true npm start` runs that shape locally.
 */
export const TOKEN_CHECK_VARIABLE = 'REQUIRE_TOKEN_IN_FUNCTION';

/** The functions that serve authorized routes (all of their routes must be authorized). */
export function guardedFunctions(): FunctionName[] {
  const guarded = new Set(routes.filter((r) => r.authorized).map((r) => r.function));
  for (const r of routes) {
    if (guarded.has(r.function) && !r.authorized)
      throw new Error(
        `${r.function} serves both guarded and public routes; an in-function token check could not tell them apart`,
      );
  }
  return [...guarded];
}

/** Paths of the auth routes and of the original system's aliases; the WAF and API Gateway hold them to tighter limits. */
export const AUTH_PATH_PREFIXES = ['/api/auth/', '/auth/'] as const;

/** The POST auth routes (login, signup, refresh, password, …): those that check passwords, issue tokens or send mail. */
export function authPostRoutes(list: RouteDefinition[] = routes): RouteDefinition[] {
  return list.filter((r) => r.method === 'POST' && AUTH_PATH_PREFIXES.some((prefix) => r.path.startsWith(prefix)));
}
