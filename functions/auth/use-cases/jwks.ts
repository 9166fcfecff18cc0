/** The public half of the signing keys: current and previous, so tokens minted before a rotation still verify. */
import { publicKeySet, type KeySet } from '../domain/keys';
import type { AuthPorts } from '../ports';

export async function publicJwks(ports: AuthPorts): Promise<KeySet> {
  return publicKeySet(await ports.keys.privateKeySet());
}
