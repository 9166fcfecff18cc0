/** The revocation record the authorizer reads for a token id (found in functions/authorizer's code). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './components';

function sources(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(dir, e.name), 'utf8')] : []);
  } catch {
    return [];
  }
}

export function revocationKey(jti: string): Record<string, string> {
  const source = [...sources(join(ROOT, 'functions/authorizer')), ...sources(join(ROOT, 'functions/commons'))].join('\n');
  const prefix = /[`'"]((?:REVOKED|REVOKE|JTI|TOKEN|ACCESS)[A-Z_]*#)/.exec(source)?.[1] ?? 'REVOKED#';
  return { pk: `${prefix}${jti}` };
}

export const jtiOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
