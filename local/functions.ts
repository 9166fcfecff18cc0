/**
 * Builds every function with esbuild, exactly as the CDK NodejsFunctions do (infra/definitions/bundling.ts),
 * and loads the bundles in-process: locally the same artefacts run that Lambda would run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { build, stop as stopEsbuild } from 'esbuild';
import { BUNDLING } from '../infra/definitions/bundling';
import { functions, type FunctionName } from '../infra/definitions/functions';
import type { FunctionSet, LambdaHandler } from './gateway/server';

const ROOT = resolve(__dirname, '..');
// Bundles are CommonJS files built at start-up; they are loaded as Lambda loads them, by path.
const loadBundle = createRequire(__filename);

export async function bundleFunctions(outDir: string): Promise<Record<FunctionName, string>> {
  mkdirSync(outDir, { recursive: true });
  const entryPoints = Object.fromEntries(Object.values(functions).map((f) => [f.name, join(ROOT, f.entry)]));
  await build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourcemap,
    target: BUNDLING.target,
    format: BUNDLING.format,
    platform: BUNDLING.platform,
    mainFields: [...BUNDLING.mainFields],
    external: [...BUNDLING.external],
    logLevel: 'error',
  });
  await stopEsbuild(); // the esbuild service process holds ~300 MB; the runtime needs it only at start

  return Object.fromEntries(Object.values(functions).map((f) => [f.name, join(outDir, `${f.name}.js`)])) as Record<FunctionName, string>;
}

/** Loads the bundles; call after the functions' environment variables are set (handlers read them at load). */
export function loadFunctions(bundles: Record<FunctionName, string>): FunctionSet {
  process.setSourceMapsEnabled(true);
  const loaded = {} as FunctionSet;
  for (const def of Object.values(functions)) {
    const file = bundles[def.name];
    if (!existsSync(file)) throw new Error(`No bundle for function ${def.name}`);
    const handler = (loadBundle(file) as Record<string, unknown>)[def.handler];
    if (typeof handler !== 'function') throw new Error(`${def.entry} exports no function "${def.handler}"`);
    loaded[def.name] = handler as LambdaHandler;
  }
  return loaded;
}
