/**
 * The separate modules of a bundle (BUNDLING.separate): each one it refers to is pre-bundled, with the same
 * options, into node_modules/<specifier>/index.js beside the bundle, where Node's resolution finds it first. The
 * CDK functions run this after bundling (scripts/separate-modules.ts); the local runtime (./functions.ts), the
 * tests and the bench after theirs, so every one of them runs the same files. A function loads them with
 * require(): the file is CommonJS, in which import() would find only a default export.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { BUNDLING, esbuildOptions } from '../system/bundling';

const ROOT = resolve(__dirname, '..');

/**
 * The separate modules a bundle refers to: esbuild leaves each external's specifier in its require() or import().
 * A deeper path into one (`<specifier>/…`) is external too but would not be built beside the bundle: refused.
 */
export function separateModulesOf(bundle: string): string[] {
  const code = readFileSync(bundle, 'utf8');
  for (const specifier of BUNDLING.separate)
    if (code.includes(`"${specifier}/`))
      throw new Error(`${bundle} requires a path inside ${specifier}; require the module itself (BUNDLING.separate)`);
  return BUNDLING.separate.filter((specifier) => code.includes(JSON.stringify(specifier)));
}

/** Where a separate module ships: beside the bundles of `folder`, where Node's resolution looks first. */
export const separateModuleFile = (folder: string, specifier: string) =>
  join(folder, 'node_modules', specifier, 'index.js');

/**
 * Builds the separate modules the bundles refer to into the node_modules folder beside them: once per folder,
 * however many bundles there need one. Returns the specifiers built.
 */
export async function buildSeparateModules(
  bundles: string[],
  options: { sourcemap?: boolean } = {},
): Promise<string[]> {
  const targets = new Map<string, string>(); // the module's file → its specifier
  for (const bundle of bundles)
    for (const specifier of separateModulesOf(bundle))
      targets.set(separateModuleFile(dirname(bundle), specifier), specifier);
  await Promise.all(
    [...targets].map(async ([file, specifier]) => {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(join(dirname(file), 'package.json'), '{ "main": "index.js" }\n');
      await build({
        ...esbuildOptions(),
        sourcemap: options.sourcemap ?? BUNDLING.sourcemap,
        external: [...BUNDLING.external], // not the separate modules: this build is one of them
        stdin: { contents: `module.exports = require(${JSON.stringify(specifier)});`, resolveDir: ROOT },
        outfile: file,
        logLevel: 'error',
      });
    }),
  );
  return [...targets.values()];
}
