/**
 * The billing image builds from a narrow context (billing/Dockerfile.dockerignore) and copies single files
 * from outside billing/ (billing/Dockerfile). No Docker engine runs here, so this checks what a build would
 * need: every repository file the server's bundle reads is both let into the context and copied.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '../../..');

/** The repository files (not node_modules) esbuild reads to bundle the image's two entry points. */
async function bundleInputs(): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [join(ROOT, 'billing/src/main.ts'), join(ROOT, 'billing/src/healthcheck.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: '/unused',
  });
  return Object.keys(metafile.inputs)
    .map((path) => relative(ROOT, resolve(ROOT, path)))
    .filter((path) => !path.startsWith('node_modules/'));
}

/** A .dockerignore pattern as a RegExp: `**` crosses folders, `*` does not. */
const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .split('**')
      .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
      .join('.*')}$`,
  );

it('lets into the build context, and copies, every repository file the billing bundle reads', async () => {
  const allowed = readFileSync(join(ROOT, 'billing/Dockerfile.dockerignore'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => globToRegExp(line.slice(1)));
  const copied = [...readFileSync(join(ROOT, 'billing/Dockerfile'), 'utf8').matchAll(/^COPY (?!--from)(\S+)/gm)].map(
    (match) => match[1]!,
  );
  const inputs = await bundleInputs();
  expect(inputs).toEqual(expect.arrayContaining(['billing/src/main.ts', 'system/email-rule.ts']));
  expect(inputs.filter((path) => !allowed.some((pattern) => pattern.test(path)))).toEqual([]);
  expect(inputs.filter((path) => !copied.some((source) => path === source || path.startsWith(`${source}/`)))).toEqual(
    [],
  );
});
