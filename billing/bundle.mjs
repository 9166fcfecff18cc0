// Bundles the billing server's entry point and its container health check into one self-contained
// file each (all production dependencies inlined), for the container image: `node billing/bundle.mjs <outdir>`.
// The Dockerfile and the entry-point test both run this, so the test exercises what the image runs.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const billing = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(billing, 'dist'));

await build({
  entryPoints: { main: join(billing, 'src/main.ts'), healthcheck: join(billing, 'src/healthcheck.ts') },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`billing bundle written to ${outdir}`);
