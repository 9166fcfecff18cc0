/** Builds one function as CDK does and loads it into this process (the bench calls handlers directly). */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLING } from '../../system/bundling';
import { functions, type FunctionName } from '../../system/functions';
import { ROOT } from './components';

const load = createRequire(__filename);

/** Set the function's environment first: handlers read it when loaded. */
export async function loadHandler<H = (event: unknown, context?: unknown) => Promise<unknown>>(name: FunctionName): Promise<H> {
  const def = functions[name];
  const outfile = join(mkdtempSync(join(tmpdir(), `pms-bench-${name}-`)), `${name}.js`);
  await build({
    entryPoints: [join(ROOT, def.entry)], outfile, bundle: true, minify: BUNDLING.minify, target: BUNDLING.target,
    format: BUNDLING.format, platform: BUNDLING.platform, mainFields: [...BUNDLING.mainFields], logLevel: 'silent',
  });
  return (load(outfile) as Record<string, H>)[def.handler]!;
}
