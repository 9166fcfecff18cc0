import { build } from 'esbuild';
import { functions } from '../system/functions';
import { esbuildOptions } from '../system/bundling';
(async () => {
  const name = process.argv[2] as 'auth';
  const r = await build({ entryPoints: [functions[name].entry], outfile: `/tmp/cmp/${name}.js`, ...esbuildOptions(), sourcemap: false, metafile: true, logLevel: 'error' });
  const out = Object.values(r.metafile.outputs)[0];
  const by: Record<string, number> = {};
  for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
    const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/); const key = m ? m[1] : file.split('/').slice(0, 2).join('/');
    by[key] = (by[key] ?? 0) + bytesInOutput;
  }
  const rows = Object.entries(by).sort((a, b) => b[1] - a[1]);
  console.log(name, (out.bytes / 1024).toFixed(0), 'KB');
  for (const [k, v] of rows.slice(0, Number(process.argv[3] ?? 25))) console.log(`  ${(v / 1024).toFixed(1).padStart(7)}  ${k}`);
})();
