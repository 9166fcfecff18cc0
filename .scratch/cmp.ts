import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { functions } from '../system/functions';
import { esbuildOptions } from '../system/bundling';
const name = process.argv[2] as 'auth';
const time = (args: string[]) => { const t = performance.now(); const r = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, AWS_REGION: 'local', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' }, encoding: 'utf8' }); if (r.status) console.log(r.stderr.slice(-300)); return performance.now() - t; };
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
(async () => {
  await build({ entryPoints: [functions[name].entry], outfile: `/tmp/cmp/${name}.js`, ...esbuildOptions(), sourcemap: false, logLevel: 'error' });
  const a: number[] = [], b: number[] = [], c: number[] = [];
  for (let i = 0; i < 21; i++) { b.push(time(['-e', '0'])); a.push(time(['-e', 'require(process.argv[1])', `/tmp/cmp/${name}.js`])); c.push(time(['--input-type=module', '-e', `await import("/tmp/split/${name}/${process.argv[3]}")`])); }
  console.log(`${name}: base ${med(b).toFixed(1)} cjs ${med(a).toFixed(1)} esm ${med(c).toFixed(1)}`);
})();
