/** A small HTTP client for the patients e2e tests: real tokens from POST /api/auth/login. */
import { randomUUID } from 'node:crypto';
import { DEMO_ADMIN } from '../../functions/auth/demo-admin';

export { DEMO_ADMIN };

export const base = (): string => {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run in the e2e project');
  return url;
};

export interface HttpResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function request(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.raw !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base()}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** POST /api/auth/login on the system at `baseUrl`; the access token. */
export async function loginAt(baseUrl: string, credentials: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

export const login = (email: string, password: string): Promise<string> => loginAt(base(), { email, password });

/** The one demo login of the tests and the bench: the admin `npm start` seeds, on the e2e runtime unless `baseUrl` names another. */
export const loginDemoAdmin = (baseUrl: string = base()): Promise<string> => loginAt(baseUrl, DEMO_ADMIN);

/** The newest verification code the local mailbox holds for `email`. */
export async function mailedCode(email: string): Promise<string> {
  const { body } = await request('GET', `/_local/mailbox?to=${encodeURIComponent(email)}`);
  const code = (body.messages as { code: string | null }[])[0]?.code;
  if (!code) throw new Error('no verification code in the local mailbox');
  return code;
}

/**
 * Signs up a user (a non-patient role needs the admin token; a patient signs up alone and confirms the code
 * mailed to them, unless `verify` is false) and logs in; returns the user's email and token.
 */
export async function userWithRole(
  role: 'clinician' | 'patient',
  adminToken: string,
  email = `${role}.${randomUUID().slice(0, 8)}@e2e.test`,
  verify = true,
) {
  const password = 'e2e-password-123';
  const signup = await request('POST', '/api/auth/signup', {
    body: { email, password, role },
    token: role === 'patient' ? undefined : adminToken,
  });
  if (signup.status !== 201) throw new Error(`signup failed with ${signup.status}`);
  if (role === 'patient' && verify) {
    const verified = await request('POST', '/api/auth/verify-email', {
      body: { email, code: await mailedCode(email) },
    });
    if (verified.status !== 204) throw new Error(`verify-email failed with ${verified.status}`);
  }
  return { email, token: await login(email, password) };
}

export function patientInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    firstName: 'Edie',
    lastName: 'Tester',
    email: `edie.${randomUUID().slice(0, 12)}@e2e.test`,
    dateOfBirth: '1980-05-17',
    address: { street: '10 Test Rd', city: 'Portland', state: 'OR', zipCode: '97201' },
    phoneNumber: '503-555-0100',
    gender: 'female',
    ...overrides,
  };
}
