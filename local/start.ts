/**
 * `npm start`: the whole Patient Management System on this machine, no AWS account, no Docker.
 *   npm start                  keep the data of the last run (in .data/)
 *   npm start -- --fresh       start empty
 *   npm start -- --data-dir X  keep the data somewhere else
 */
import { DEMO_ADMIN } from '../functions/auth/demo-admin';
import { startRuntime, type Runtime } from './runtime';

function parseArgs(argv: string[]): { fresh: boolean; dataDir?: string; quiet: boolean } {
  const args = { fresh: false, dataDir: undefined as string | undefined, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--fresh') args.fresh = true;
    else if (arg === '--quiet') args.quiet = true;
    else if (arg === '--data-dir') args.dataDir = argv[++i];
    else if (arg?.startsWith('--data-dir=')) args.dataDir = arg.slice('--data-dir='.length);
    else {
      console.error(`Unknown option ${arg}. Options: --fresh, --data-dir <dir>, --quiet`);
      process.exit(2);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  console.log(`Starting the Patient Management System${args.fresh ? ' (fresh data)' : ''}…`);
  let runtime: Runtime | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await runtime?.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  try {
    runtime = await startRuntime({ fresh: args.fresh, dataDir: args.dataDir, quiet: args.quiet });
  } catch (error) {
    console.error(`\nCould not start: ${(error as Error).message}`);
    process.exit(1);
  }
  if (stopping) return;
  const { urls } = runtime;
  console.log(`
Ready in ${((Date.now() - started) / 1000).toFixed(1)} s.
  Web app      ${urls.api}/          (npm run dev: the same, reloading on save, on :5173)
  API          ${urls.api}          (health: ${urls.api}/health, OpenAPI: ${urls.api}/api-docs)
  Dashboard    ${urls.dashboard}
  DynamoDB     ${urls.dynamodb}
  Kafka        ${urls.kafka}  (topics "patient", "billing")
  Billing gRPC ${urls.billing}
Demo login (local only): ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password} (admin)
  curl -s -X POST ${urls.api}/api/auth/login -H 'Content-Type: application/json' \\
    -d '${JSON.stringify(DEMO_ADMIN)}'
Press Ctrl-C to stop.`);
}

// A fault inside one invocation must not take the whole runtime down, as it would not on Lambda.
process.on('unhandledRejection', (reason) =>
  console.error(JSON.stringify({ level: 'ERROR', message: 'Unhandled rejection', errorName: (reason as Error)?.name })),
);

void main();
