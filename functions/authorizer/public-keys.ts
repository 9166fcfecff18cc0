/**
 * The public JWKS the authorizer verifies with: a file locally (PUBLIC_JWKS_FILE), the SSM parameter
 * on AWS (PUBLIC_JWKS_PARAMETER). Cached per container; reloaded after 5 minutes, or at once (at most
 * every 30 s) when a token names a key the cache does not know, which is how a rotation arrives.
 */
// node:fs, not node:fs/promises: the latter costs a sixth of the module's load time, for a local-only read.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { awsJsonCall, serviceEndpoint } from './aws-json';

const MAX_AGE_MS = 5 * 60 * 1000;
const MIN_RELOAD_MS = 30 * 1000;

async function loadJwks(env: NodeJS.ProcessEnv): Promise<JSONWebKeySet> {
  if (env.PUBLIC_JWKS_FILE) return JSON.parse(readFileSync(env.PUBLIC_JWKS_FILE, 'utf8')) as JSONWebKeySet;
  if (!env.PUBLIC_JWKS_PARAMETER) throw new Error('Set PUBLIC_JWKS_FILE (local) or PUBLIC_JWKS_PARAMETER (AWS)');
  const { Parameter } = await awsJsonCall<{ Parameter?: { Value?: string } }>({
    endpoint: serviceEndpoint('ssm', env),
    service: 'ssm',
    target: 'AmazonSSM.GetParameter',
    jsonVersion: '1.1',
    body: { Name: env.PUBLIC_JWKS_PARAMETER },
  });
  return JSON.parse(Parameter?.Value ?? '{}') as JSONWebKeySet;
}

/** The key source could not be read: an outage, not a bad token (the authorizer answers 500, not 401). */
export class KeySourceError extends Error {
  constructor(cause: unknown) {
    super('The public keys could not be loaded', { cause });
    this.name = 'KeySourceError';
  }
}

let cache: { keys: Promise<ReturnType<typeof createLocalJWKSet>>; at: number } | undefined;

function cached(env: NodeJS.ProcessEnv, reload: boolean) {
  const age = cache ? Date.now() - cache.at : Infinity;
  if (age > MAX_AGE_MS || (reload && age > MIN_RELOAD_MS)) {
    const keys = loadJwks(env).then(
      (jwks) => createLocalJWKSet(jwks),
      (error: unknown) => {
        throw new KeySourceError(error);
      },
    );
    const entry = { keys, at: Date.now() };
    cache = entry;
    keys.catch(() => {
      if (cache === entry) cache = undefined;
    });
  }
  return cache!.keys;
}

/** A jose key resolver over the cached JWKS that reloads once when the token's `kid` is unknown. */
export function publicKeys(env: NodeJS.ProcessEnv = process.env): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await (
        await cached(env, false)
      )(header, token);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
      return (await cached(env, true))(header, token);
    }
  };
}

/** For tests: forget the cached keys. */
export function resetPublicKeyCache(): void {
  cache = undefined;
}
