/** Validate: describes the presented access token if it is valid and not revoked. */
import type { AuthPorts } from '../ports';
import { authenticate } from './tokens';

export interface TokenInfo {
  userId: string;
  email: string;
  role: string;
  expiresAt: string;
}

export async function validate(ports: AuthPorts, bearer: string | undefined): Promise<TokenInfo> {
  const claims = await authenticate(ports, bearer);
  return {
    userId: claims.userId,
    email: claims.email,
    role: claims.role,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
  };
}
