/** Builds one function as CDK does (system/bundling.ts) and loads its handler into this process. */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { BUNDLING } from '../../../system/bundling';
import { functions, type FunctionName } from '../../../system/functions';

const ROOT = resolve(__dirname, '../../..');
const load = createRequire(__filename);

/** Set the function's environment first: handlers may read it when loaded. */
export async function loadHandler(name: FunctionName): Promise<(event: unknown, context?: unknown) => Promise<unknown>> {
  const def = functions[name];
  const outfile = join(mkdtempSync(join(tmpdir(), `pms-reliability-${name}-`)), `${name}.js`);
  await build({
    entryPoints: [join(ROOT, def.entry)], outfile, bundle: true, minify: BUNDLING.minify, target: BUNDLING.target,
    format: BUNDLING.format, platform: BUNDLING.platform, mainFields: [...BUNDLING.mainFields], logLevel: 'silent',
  });
  return (load(outfile) as Record<string, (event: unknown, context?: unknown) => Promise<unknown>>)[def.handler]!;
}
