/**
 * `npm run deploy:localstack [-- <cdk options>]`: deploys a LocalStack profile (DEPLOY_PROFILE, default
 * localstack-hobby) with cdklocal and finishes what the plan's CloudFormation cannot: where custom
 * resources do not run, it calls their handlers itself (scripts/provision.ts). It bootstraps first (a
 * no-op when done), writes the stack outputs to .data/localstack-outputs.json and prints the smoke command.
 * Settings: DEPLOY_PROFILE, AWS_ENDPOINT_URL or LOCALSTACK_ENDPOINT (http://localhost:4566), AWS_REGION (us-east-1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOCALSTACK_COVERAGE } from '../infra/localstack-coverage';
import { PROFILE_SHAPES, profileNamed, SIDECAR_HOST, type LocalStackProfile } from '../infra/profiles';
import { assertResolvesHere } from './host-names';
import { provision, provisioningCalls, type ProvisionedState } from './provision';
import { outputValue, readStackOutputs } from './stack-outputs';

const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, '.data');
const OUTPUTS = join(DATA, 'localstack-outputs.json');
const STATE = join(DATA, 'localstack-provisioned.json');

/** LocalStack answers, and reports the services the profile needs (a plan without them reports them disabled or not at all). */
async function checkLocalStack(endpoint: string, profile: LocalStackProfile): Promise<void> {
  let health: { services?: Record<string, string>; edition?: string };
  try {
    health = (await (await fetch(`${endpoint}/_localstack/health`)).json()) as typeof health;
  } catch {
    throw new Error(
      `No LocalStack at ${endpoint}. Start it with your auth token first (README: "What cdk deploy needs").`,
    );
  }
  const missing = LOCALSTACK_COVERAGE[profile].services.filter(
    (s) => !health.services?.[s] || health.services[s] === 'disabled',
  );
  if (missing.length > 0) {
    console.warn(
      `LocalStack (${health.edition ?? 'unknown edition'}) does not report ${missing.join(', ')}: ${profile} needs the ${LOCALSTACK_COVERAGE[profile].plan} plan. Carrying on.`,
    );
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

async function main(): Promise<void> {
  const profile = profileNamed(process.env.DEPLOY_PROFILE ?? 'localstack-hobby');
  if (!profile || profile === 'aws')
    throw new Error(
      `DEPLOY_PROFILE must be a LocalStack profile (${Object.keys(LOCALSTACK_COVERAGE).join(', ')}), not "${process.env.DEPLOY_PROFILE}"`,
    );
  const endpoint = process.env.AWS_ENDPOINT_URL ?? process.env.LOCALSTACK_ENDPOINT ?? 'http://localhost:4566';
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const shape = PROFILE_SHAPES[profile];
  await checkLocalStack(endpoint, profile);
  // The topic call goes to the sidecars' broker from here.
  if (!shape.customResources && shape.kafka === 'self-managed') await assertResolvesHere(SIDECAR_HOST);

  // cdklocal drops AWS_* settings unless allowed: the region must reach it, or it deploys elsewhere than the SDK calls below look.
  const cdkEnv = {
    ...process.env,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ENVAR_ALLOWLIST: 'AWS_REGION,AWS_DEFAULT_REGION',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
  mkdirSync(DATA, { recursive: true });
  run('npx', ['cdklocal', 'bootstrap', '-c', `profile=${profile}`], cdkEnv);
  run(
    'npx',
    [
      'cdklocal',
      'deploy',
      '--all',
      '--require-approval',
      'never',
      '-c',
      `profile=${profile}`,
      '--outputs-file',
      OUTPUTS,
      ...process.argv.slice(2),
    ],
    cdkEnv,
  );

  const outputs = readStackOutputs(OUTPUTS);
  const calls = provisioningCalls(outputs);
  if (calls.length > 0) {
    console.log(
      `The ${LOCALSTACK_COVERAGE[profile].plan} plan runs no custom resources: their handlers, called from here:`,
    );
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
    });
    const before = existsSync(STATE) ? (JSON.parse(readFileSync(STATE, 'utf8')) as ProvisionedState) : {};
    writeFileSync(
      STATE,
      JSON.stringify(await provision(calls, { root: ROOT, region, state: before, log: console.log }), null, 2),
    );
  }
  const sidecars = shape.kafka === 'self-managed' || shape.billing === 'external';
  console.log(
    [
      '',
      `Deployed ${profile}. API: ${outputValue(outputs, 'ApiUrl')}`,
      ...(sidecars
        ? [
            'Keep npm run localstack:sidecars running (Kafka broker, billing, and the analytics feed where the plan has no Kafka mapping).',
          ]
        : []),
      'Prove it works:',
      `  npm run smoke -- --outputs ${OUTPUTS} --endpoint ${endpoint} --wait 120`,
    ].join('\n'),
  );
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`deploy:localstack failed: ${error.message}`);
    process.exit(1);
  });
}
