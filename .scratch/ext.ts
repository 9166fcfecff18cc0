import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { functions } from '../system/functions';
import { esbuildOptions } from '../system/bundling';
const time = (args: string[]) => { const t = performance.now(); const r = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, AWS_REGION: 'local', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' }, encoding: 'utf8' }); if (r.status) console.log(r.stderr.slice(-300)); return performance.now() - t; };
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
const extra = (process.env.EXT ?? '').split(',').filter(Boolean);
(async () => {
  for (const name of process.argv.slice(2) as 'auth'[]) {
    const o = esbuildOptions();
    const f = `/tmp/cmp/x-${name}.js`;
    await build({ entryPoints: [functions[name].entry], outfile: f, ...o, external: [...o.external, ...extra], sourcemap: false, logLevel: 'error' });
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < 21; i++) { b.push(time(['-e', '0'])); a.push(time(['-e', 'require(process.argv[1])', f])); }
    console.log(`${name}: ${(statSync(f).size / 1024).toFixed(0)} KB base ${med(b).toFixed(1)} load ${med(a).toFixed(1)} = ${(med(a) / med(b)).toFixed(2)}x`);
  }
})();
