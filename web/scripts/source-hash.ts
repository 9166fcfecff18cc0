/**
 * What the web app's build depends on, as one hash: its sources, the shared edge definitions and the locked
 * dependencies. `npm start` rebuilds when it changes; CDK names the deployed asset by it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
export const WEB_ROOT = join(ROOT, 'web');
/** Never inputs: build output (web/dist and the folders builds swap in from) and the generated types (types only). */
export const NOT_SOURCES = ['dist', 'dist.*', 'node_modules', 'src/api/schema.gen.ts'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    const name = relative(WEB_ROOT, path);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('dist.') || name === 'src/api/schema.gen.ts')
      return [];
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

export function webSourceHash(): string {
  const hash = createHash('sha256');
  const files = [...filesUnder(WEB_ROOT), join(ROOT, 'system', 'web-app.ts'), join(ROOT, 'package-lock.json')].sort();
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}
