/**
 * Builds a function as CDK does (system/bundling.ts) and loads its handler into this process:
 * the one bundle-and-load helper of the tests and the bench.
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../system/bundling';
import { buildSeparateModules } from '../../local/separate-modules';
import { functions, type FunctionName } from '../../system/functions';

const ROOT = resolve(__dirname, '../..');
const load = createRequire(__filename);

export type LoadedHandler = (event: unknown, context?: unknown) => Promise<unknown>;

/** Bundles one function into `outfile` with the CDK options, its separate modules beside it (no source map unless asked: sizes are measured without). */
export async function buildFunction(
  name: FunctionName,
  outfile: string,
  options: { sourcemap?: boolean } = {},
): Promise<void> {
  const sourcemap = options.sourcemap ?? false;
  await build({
    entryPoints: [join(ROOT, functions[name].entry)],
    outfile,
    ...esbuildOptions(),
    sourcemap,
    logLevel: 'silent',
  });
  await buildSeparateModules([outfile], { sourcemap });
}

/** Builds one function into a temporary folder and loads its handler. Set the function's environment first: handlers may read it when loaded. */
export async function loadHandler<H = LoadedHandler>(name: FunctionName): Promise<H> {
  const outfile = join(mkdtempSync(join(tmpdir(), `pms-${name}-`)), `${name}.js`);
  await buildFunction(name, outfile);
  return (load(outfile) as Record<string, H>)[functions[name].handler]!;
}
