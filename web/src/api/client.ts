/**
 * The one way the app reaches the API: typed by the generated OpenAPI types, the access token held in
 * memory only, and the refresh token left to the browser (an HttpOnly cookie the app cannot read). A 401
 * refreshes once through the cookie and retries; a failed refresh signs the user out.
 */
import createClient from 'openapi-fetch';
import { sendRefresh, type TokenResponse } from './refresh-request';
import type { components, paths } from './schema.gen';

export type Schemas = components['schemas'];
export type Patient = Schemas['Patient'];
export type PatientInput = Schemas['PatientInput'];
export type Role = Schemas['ManagedUser']['role'];

/** Who is signed in, read from the access token's claims (the server's own token, just received). */
export interface Session {
  userId: string;
  email: string;
  role: Role;
}

interface Problem {
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `The request failed (${status})`);
  }

  /** The API's message for each field it rejected, keyed by the field's path (`address.city`). */
  get fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.problem?.errors ?? []).map((e) => [e.field, e.message]));
  }
}

export const api = createClient<paths>({ baseUrl: '' });

let accessToken: string | undefined;
let session: Session | null = null;
const listeners = new Set<() => void>();

api.use({
  onRequest({ request }) {
    if (accessToken) request.headers.set('Authorization', `Bearer ${accessToken}`);
    return request;
  },
});

function claimsOf(token: string): Session {
  const payload = token.split('.')[1] ?? '';
  const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as {
    sub: string;
    email: string;
    role: Role;
  };
  return { userId: claims.sub, email: claims.email, role: claims.role };
}

function setToken(token: string | undefined): void {
  accessToken = token;
  session = token ? claimsOf(token) : null;
  for (const listener of listeners) listener();
}

export const sessionStore = {
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  current: () => session,
};

let refreshing: Promise<boolean> | undefined;

/**
 * A new access token from the refresh cookie: from the request `sent` when the page's entry sent it already.
 * One at a time: a refresh token works once, and presenting it twice would end the login.
 */
export function refreshSession(sent?: Promise<Response>): Promise<boolean> {
  refreshing ??= (sent ?? sendRefresh())
    .then(async (response) => {
      const data = response.ok ? ((await response.json()) as TokenResponse) : undefined;
      setToken(data?.accessToken);
      return data !== undefined;
    })
    .catch(() => {
      setToken(undefined);
      return false;
    })
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

export async function signIn(email: string, password: string): Promise<void> {
  const { data, error, response } = await api.POST('/api/auth/login', { body: { email, password } });
  if (!data) throw new ApiError(response.status, error as Problem);
  setToken(data.accessToken);
}

export async function signOut(): Promise<void> {
  try {
    await call(() => api.POST('/api/auth/logout'));
  } finally {
    setToken(undefined);
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Runs a request; a 401 refreshes the session once and runs it again. Errors become ApiError. */
export async function call<T>(run: () => Promise<Result<T>>): Promise<{ data: T; response: Response }> {
  let result = await run();
  if (result.response.status === 401 && accessToken) {
    if (await refreshSession()) result = await run();
    else setToken(undefined);
  }
  if (!result.response.ok) throw new ApiError(result.response.status, result.error as Problem | undefined);
  return { data: result.data as T, response: result.response };
}

/** The data of a successful request (see `call`). */
export const fetchData = async <T>(run: () => Promise<Result<T>>): Promise<T> => (await call(run)).data;
