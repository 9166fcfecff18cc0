/**
 * Each function's bundle, built as CDK builds it (system/bundling.ts): the code it loads at a cold start (the bundle
 * and any separate module it preloads), minified and gzip size,
 * and the time to load it in a fresh Node process as a ratio to `node -e 0` (the cold start's share
 * that the code controls). Runs alternate bundle and baseline so drift hits both alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { functions } from '../../system/functions';
import { tableEnvVar, tables } from '../../system/tables';
import type { BenchContext, BenchModule } from '../lib/context';
import { comparison, figure, limit, reference, type Row } from '../lib/report';
import { missing } from '../lib/components';
import { buildFunction } from '../../test/support/bundle';
import { median } from '../lib/stats';
import { buildSeparateModules, separateModuleFile, separateModulesOf } from '../../local/separate-modules';
import { esbuildOptions } from '../../system/bundling';

/**
 * Issue 16 (cold starts): every function loads only what its request paths need. The authorizer, on every guarded
 * request, keeps its tighter goals.
 */
const GOALS = { bundleKb: 500, loadRatio: 2 } as const;
const AUTHORIZER_GOALS = { bundleKb: 30, loadRatio: 1.2 } as const;

// Start-up times on a shared machine jitter by more than the few ms a small bundle costs: many runs, the median.
const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 41);

const ROOT = resolve(__dirname, '../..');

/** What a handler may read at load time; no network is touched by loading. */
function loadEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
    BILLING_ADDRESS: '127.0.0.1:1',
    KAFKA_BROKERS: '127.0.0.1:1',
    KAFKA_AUTH: 'none',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    CURSOR_KEY: 'bench',
  };
  for (const def of Object.values(tables)) env[tableEnvVar(def.name)] = def.name;
  return env;
}

function timeNode(args: string[], env: NodeJS.ProcessEnv): { ms: number; ok: boolean; error: string } {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  return {
    ms: performance.now() - t0,
    ok: result.status === 0,
    error: (result.stderr ?? '').trim().split('\n').slice(-1)[0] ?? '',
  };
}

/** The files a fresh Node loads with the bundle (the bundle and any separate module it preloads), and their size. */
function loadedAtInit(file: string, env: NodeJS.ProcessEnv): { kb: number; files: string[] } {
  const report = 'console.log(JSON.stringify(Object.keys(require.cache)))';
  const result = spawnSync(process.execPath, ['-e', `require(process.argv[1]); ${report}`, file], {
    env,
    encoding: 'utf8',
  });
  const files = JSON.parse(result.stdout) as string[];
  return { kb: files.reduce((sum, f) => sum + statSync(f).size, 0) / 1024, files };
}

/**
 * The libraries the customer named, alone, as the functions load them (the client classes and one command; a
 * function builds its clients on first use): the floor under the goals above, since a function can load no
 * sooner than what it needs. Figures only, no goals: they show how much of each function's load is ours.
 */
const FLOORS = [
  {
    name: 'DynamoDB document client',
    code: `export { DynamoDBClient } from '@aws-sdk/client-dynamodb'; export { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';`,
  },
  { name: 'kafkajs', code: `export { Kafka } from 'kafkajs';` },
  {
    name: 'DynamoDB document client + grpc-js (billing-api and pending-billing need both on every request)',
    code: `export { DynamoDBClient } from '@aws-sdk/client-dynamodb'; export { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb'; export const grpc = require('@grpc/grpc-js');`,
  },
] as const;

/** Builds a floor as a function is built (system/bundling.ts), its separate modules beside it. */
async function buildFloor(code: string, outfile: string): Promise<void> {
  await build({
    ...esbuildOptions(),
    sourcemap: false,
    stdin: { contents: code, resolveDir: ROOT, loader: 'js' },
    outfile,
    logLevel: 'silent',
  });
  await buildSeparateModules([outfile]);
}

/**
 * Load times of each of `loads` (a file, with Node's flags) and of `node -e 0`, the runs alternated so that drift
 * hits all alike: the medians, or the first load's error.
 */
function loadTimes(
  loads: { file: string; flags?: string[] }[],
  env: NodeJS.ProcessEnv,
): { base: number; loads: number[] } | { error: string } {
  const base: number[] = [];
  const times = loads.map((): number[] => []);
  for (let i = 0; i < LOAD_RUNS; i++) {
    base.push(timeNode(['-e', '0'], env).ms);
    for (const [j, { file, flags = [] }] of loads.entries()) {
      const loaded = timeNode([...flags, '-e', 'require(process.argv[1])', file], env);
      if (!loaded.ok) return { error: loaded.error };
      times[j]!.push(loaded.ms);
    }
  }
  return { base: median(base), loads: times.map(median) };
}

async function run(ctx: BenchContext) {
  const rows: Row[] = [];
  const notes: string[] = [];
  const outDir = mkdtempSync(join(tmpdir(), 'pms-bench-bundles-'));
  const env = loadEnvironment();
  try {
    for (const def of Object.values(functions)) {
      if (missing([def.entry]).length) {
        rows.push({ measure: `${def.name}`, value: `not available yet: ${def.entry}`, verdict: undefined });
        continue;
      }
      const file = join(outDir, `${def.name}.js`);
      await buildFunction(def.name, file);
      // The deployed bundle also carries its source map, which --enable-source-maps (the functions' NODE_OPTIONS) parses at load.
      const mapped = join(outDir, 'mapped', `${def.name}.js`);
      await buildFunction(def.name, mapped, { sourcemap: true });
      const size = statSync(file).size / 1024;
      const gzip = gzipSync(readFileSync(file)).length / 1024;
      const times = loadTimes([{ file }, { file: mapped, flags: ['--enable-source-maps'] }], env);
      if ('error' in times) {
        rows.push({ measure: `${def.name} module load`, value: `load failed: ${times.error.slice(0, 80)}` });
        continue;
      }
      const isAuthorizer = def.name === 'authorizer';
      const atInit = loadedAtInit(file, env);
      rows.push(
        isAuthorizer
          ? limit(`${def.name} code loaded at cold start`, atInit.kb, 'KB', '<', AUTHORIZER_GOALS.bundleKb)
          : limit(`${def.name} code loaded at cold start`, atInit.kb, 'KB', '<=', GOALS.bundleKb),
        figure(`${def.name} bundle (minified)`, size, 'KB'),
        figure(`${def.name} bundle (gzip)`, gzip, 'KB'),
      );
      const separate = separateModulesOf(file).map((specifier) => {
        const path = separateModuleFile(outDir, specifier);
        return `${specifier} ${(statSync(path).size / 1024).toFixed(0)} KB ${atInit.files.includes(path) ? 'at init' : 'on first use'}`;
      });
      if (separate.length) rows.push(figure(`${def.name} separate modules`, separate.join('; ')));
      const [load, deployed] = times.loads as [number, number];
      const loadGoal = isAuthorizer ? AUTHORIZER_GOALS.loadRatio : GOALS.loadRatio;
      rows.push(comparison(`${def.name} module load`, load, times.base, 'ms', '<=', loadGoal, 'node -e 0'));
      rows.push(figure(`${def.name} module load as deployed (with its source map)`, deployed, 'ms'));
      ctx.log(
        `${def.name}: ${size.toFixed(1)} KB, gzip ${gzip.toFixed(1)} KB, load ${load.toFixed(0)} ms vs ${times.base.toFixed(0)} ms`,
      );
    }
    for (const [i, floor] of FLOORS.entries()) {
      const file = join(outDir, 'floors', `${i}.js`);
      await buildFloor(floor.code, file);
      const times = loadTimes([{ file }], env);
      if ('error' in times) throw new Error(`floor ${floor.name}: ${times.error}`);
      const [load] = times.loads as [number];
      rows.push(
        figure(`floor: ${floor.name}, code loaded at cold start`, loadedAtInit(file, env).kb, 'KB'),
        reference(`floor: ${floor.name}, module load`, load, times.base, 'ms', 'node -e 0'),
      );
      ctx.log(`floor ${floor.name}: load ${load.toFixed(0)} ms vs ${times.base.toFixed(0)} ms`);
    }
    notes.push(
      'Code loaded at cold start: the bundle plus any separate module (system/bundling.ts BUNDLING.separate) it loads at init; the others ship beside it and load on the first request that needs them (the goal of 500 KB applies to what loads at init).',
      `Load time: wall time of \`node -e "require(bundle)"\` vs \`node -e 0\`, median of ${LOAD_RUNS} alternating runs each; bundles built with the CDK esbuild options (system/bundling.ts: minified, CommonJS, its externals: what no function calls), without source maps; "as deployed" loads the same bundle with its source map under \`--enable-source-maps\`, as the functions' NODE_OPTIONS set.`,
      'Floors: the named libraries alone (their client classes and one command, built and measured as a function is), with no code of ours; a function needing one cannot load in less. No goals: the ratio shows what is left for our own code under the 2× goal.',
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return { rows, notes };
}

const module: BenchModule = { name: 'bundles', run };
export default module;
