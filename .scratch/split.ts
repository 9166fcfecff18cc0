import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { functions } from '../system/functions';
import { esbuildOptions } from '../system/bundling';
const names = process.argv.slice(2);
const time = (args: string[]) => { const t = performance.now(); const r = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, AWS_REGION: 'local', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' }, encoding: 'utf8' }); if (r.status) console.log(r.stderr.slice(-300)); return performance.now() - t; };
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
(async () => {
for (const name of names) {
  const dir = `/tmp/split/${name}`; rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true });
  const o = esbuildOptions();
  const r = await build({ entryPoints: [functions[name as 'auth'].entry], outdir: dir, ...o, sourcemap: false, format: 'esm', splitting: true, outExtension: { '.js': '.mjs' }, metafile: true, logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  const files = readdirSync(dir); const entry = files.find(f => !f.startsWith('chunk'))!;
  // which chunks load statically from entry
  const out = r.metafile.outputs; const key = Object.keys(out).find(k => k.endsWith(entry))!;
  const seen = new Set<string>(); const visit = (k: string) => { if (seen.has(k)) return; seen.add(k); for (const i of out[k].imports) if (i.kind === 'import-statement') visit(i.path); };
  visit(key);
  const staticKb = [...seen].reduce((s, k) => s + out[k].bytes, 0) / 1024; const totalKb = Object.values(out).reduce((s, x) => s + x.bytes, 0) / 1024;
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < 15; i++) { b.push(time(['-e', '0'])); a.push(time(['--input-type=module', '-e', `await import(${JSON.stringify(join(dir, entry))})`])); }
  console.log(`${name}: static ${staticKb.toFixed(0)} KB, total ${totalKb.toFixed(0)} KB, ${files.length} files, load ${med(a).toFixed(0)} vs ${med(b).toFixed(0)} = ${(med(a)/med(b)).toFixed(2)}x`);
}
})();
