import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { functions } from '../system/functions';
import { esbuildOptions } from '../system/bundling';
(async () => {
  const name = process.argv[2] as 'auth';
  const file = `/tmp/prof/${name}.js`; rmSync('/tmp/prof', { recursive: true, force: true }); mkdirSync('/tmp/prof/p', { recursive: true });
  await build({ entryPoints: [functions[name].entry], outfile: file, ...esbuildOptions(), minify: false, sourcemap: false, logLevel: 'error' });
  const lines = readFileSync(file, 'utf8').split('\n');
  const owner: string[] = []; let cur = '?';
  lines.forEach((l, i) => { const m = l.match(/^\/\/ (node_modules\/((?:@[^/]+\/)?[^/]+)\/\S*|\S+)$/); if (m) cur = m[2] ?? m[1].split('/').slice(0, 2).join('/'); owner[i] = cur; });
  const agg: Record<string, number> = {};
  for (let k = 0; k < 10; k++) {
    spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof/p', '--cpu-prof-interval', '100', '-e', `require(${JSON.stringify(file)})`], { env: { PATH: process.env.PATH, AWS_REGION: 'local', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' } });
  }
  for (const f of readdirSync('/tmp/prof/p')) {
    const p = JSON.parse(readFileSync(`/tmp/prof/p/${f}`, 'utf8'));
    const dt: Record<number, number> = {}; p.samples.forEach((s: number, i: number) => (dt[s] = (dt[s] ?? 0) + p.timeDeltas[i]));
    for (const n of p.nodes) { const us = dt[n.id] ?? 0; const url = n.callFrame.url; const key = url.endsWith(`${name}.js`) ? owner[n.callFrame.lineNumber] ?? '?' : (n.callFrame.functionName === '(program)' || n.callFrame.functionName === '(garbage collector)' || n.callFrame.functionName === '(idle)') ? n.callFrame.functionName : url.startsWith('node:') ? 'node-internal ' + url : url || n.callFrame.functionName; agg[key] = (agg[key] ?? 0) + us / 1000 / 10; }
  }
  for (const [k, v] of Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(2).padStart(7), k);
})();
