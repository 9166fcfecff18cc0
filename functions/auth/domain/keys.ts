/**
 * Signing key material as JWKs: a key set lists the current key first, then the previous one (kept so
 * tokens signed before a rotation stay valid until they expire). Only jose, no I/O.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { ALGORITHM, type SigningKey } from './access-token';

export interface KeySet {
  keys: JWK[];
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: ALGORITHM, use: 'sig' };
}

/** The new key becomes current; the old current becomes previous; anything older is dropped. */
export function rotate(existing: KeySet | undefined, fresh: JWK): KeySet {
  const current = existing?.keys[0];
  return { keys: current ? [fresh, current] : [fresh] };
}

export function publicKeySet(privateKeys: KeySet): KeySet {
  return {
    keys: privateKeys.keys.map((jwk) => {
      const pub: JWK = { ...jwk };
      for (const member of PRIVATE_MEMBERS) delete (pub as Record<string, unknown>)[member];
      return pub;
    }),
  };
}

export function parseKeySet(text: string): KeySet {
  const parsed = JSON.parse(text) as unknown;
  const keys = (parsed as { keys?: unknown })?.keys;
  if (
    !Array.isArray(keys) ||
    keys.length === 0 ||
    !keys.every((k) => typeof k === 'object' && k && typeof (k as JWK).kid === 'string')
  ) {
    throw new Error('Not a key set with at least one key');
  }
  return { keys: keys as JWK[] };
}

const signingKeys = new WeakMap<KeySet, Promise<SigningKey>>();

/** The key set's first key, imported once per key set (the stores hand out the same object until they reread it). */
export function currentSigningKey(privateKeys: KeySet): Promise<SigningKey> {
  let signing = signingKeys.get(privateKeys);
  if (!signing) {
    signing = importSigningKey(privateKeys);
    signingKeys.set(privateKeys, signing);
  }
  return signing;
}

async function importSigningKey(privateKeys: KeySet): Promise<SigningKey> {
  const jwk = privateKeys.keys[0];
  if (!jwk?.kid || !jwk.d) throw new Error('The current signing key is missing or not private');
  return { kid: jwk.kid, key: (await importJWK(jwk, ALGORITHM)) as CryptoKey };
}
