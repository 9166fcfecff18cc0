/**
 * A function's code as `cdk deploy` packages it: real bundling (esbuild, then the after-bundling hook) of the
 * patients function, whose bundle refers to a separate module (grpc-js, BUNDLING.separate). The asset holds the
 * bundle and that module beside it; loading the bundle, as Lambda's init does, loads nothing else, and the module
 * then resolves to the asset's own copy, not to anything outside it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ServiceFunction } from '../../infra/constructs/service-function';
import { functions } from '../../system/functions';
import { tableEnvVar, tables } from '../../system/tables';

// esbuild and the hook's own esbuild runs, on a shared 2-core machine.
jest.setTimeout(180_000);

let outdir: string;
let asset: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'pms-function-assets-'));
  const app = new App({ outdir }); // bundling on: no 'aws:cdk:bundling-stacks' override
  const stack = new Stack(app, 'Assets');
  new ServiceFunction(stack, 'Patients', {
    definition: functions.patients,
    key: new Key(stack, 'Key'),
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const template = app.synth().getStackByName('Assets').template as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
  };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function')!;
  asset = join(outdir, `asset.${fn.Properties.Code!.S3Key!.replace(/\.zip$/, '')}`);
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('holds the bundle, its source map and the separate module it refers to', () => {
  expect(readdirSync(asset).sort()).toEqual(['index.js', 'index.js.map', 'node_modules']);
  expect(existsSync(join(asset, 'node_modules/@grpc/grpc-js/index.js'))).toBe(true);
  // Only what this bundle refers to: the auth function's separate modules are not here.
  expect(readdirSync(join(asset, 'node_modules'))).toEqual(['@grpc']);
});

it('loads only the bundle at init; grpc-js then resolves to the copy in the asset', () => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    BILLING_ADDRESS: '127.0.0.1:1',
    CURSOR_KEY: 'test',
  };
  for (const def of Object.values(tables)) env[tableEnvVar(def.name)] = def.name;
  const probe = [
    'const index = require(process.argv[1]);',
    'const atInit = Object.keys(require.cache);',
    `const grpc = require.resolve('@grpc/grpc-js', { paths: [require('path').dirname(process.argv[1])] });`,
    'console.log(JSON.stringify({ handler: typeof index.handler, atInit, grpc }));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['-e', probe, join(asset, 'index.js')], { env, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  const seen = JSON.parse(run.stdout) as { handler: string; atInit: string[]; grpc: string };
  expect(seen.handler).toBe('function');
  expect(seen.atInit).toEqual([join(asset, 'index.js')]);
  expect(seen.grpc).toBe(join(asset, 'node_modules/@grpc/grpc-js/index.js'));
});
