/**
 * The local runtime's Lambda stand-in (local/functions.ts) with two tiny bundles: a worker starts at a function's
 * first invocation, once however many calls arrive together, and a bundle that cannot load fails its calls and
 * says why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { startFunctions } from '../../../local/functions';
import { lambdaContext } from '../../../local/gateway/events';
import type { FunctionDefinition } from '../../../system/functions';

const dir = mkdtempSync(join(tmpdir(), 'function-workers-'));
const bundles = {
  echo: join(dir, 'echo.js'),
  broken: join(dir, 'broken.js'),
  slowPolled: join(dir, 'slow.js'),
  slowBehindGateway: join(dir, 'slow.js'),
};
writeFileSync(
  bundles.echo,
  `const { threadId } = require('node:worker_threads');
   exports.handler = async (event, context) => ({ event, threadId, name: context.functionName, env: process.env.GREETING });`,
);
writeFileSync(bundles.broken, `throw new Error('SETTING_X is not set');`);
writeFileSync(
  bundles.slowPolled,
  `const until = Date.now() + 300; while (Date.now() < until); // a cold start of 300 ms
   exports.handler = async (event, context) => context.getRemainingTimeInMillis();`,
);

const definition = (name: string) => ({ name, handler: 'handler', timeoutSeconds: 5 }) as unknown as FunctionDefinition;
const { functions, stop } = startFunctions(
  [definition('echo'), definition('broken'), definition('slowPolled'), definition('slowBehindGateway')],
  bundles as never,
  () => ({
    GREETING: 'hello',
  }),
);
const invoke = (name: string, event: unknown, context?: Context) =>
  (functions as Record<string, (e: unknown, c?: Context) => Promise<unknown>>)[name]!(event, context);

afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

it('starts one worker at the first invocation, however many calls come at once, with the function environment', async () => {
  const results = (await Promise.all([1, 2, 3].map((n) => invoke('echo', { n })))) as {
    event: unknown;
    threadId: number;
    name: string;
    env: string;
  }[];
  expect(results.map((r) => r.event)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  expect(new Set(results.map((r) => r.threadId)).size).toBe(1);
  expect(results[0]!.threadId).not.toBe(threadId);
  expect(results[0]!.name).toBe('echo');
  expect(results[0]!.env).toBe('hello');
});

it('fails each call of a bundle that cannot load, and logs why with the function name', async () => {
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    await expect(invoke('broken', {})).rejects.toThrow('SETTING_X is not set');
    await expect(invoke('broken', {})).rejects.toThrow('SETTING_X is not set'); // tried again, as Lambda does
    const lines = logged.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, string>);
    expect(lines).toContainEqual(
      expect.objectContaining({ function: 'broken', event: 'load-failed', error: 'SETTING_X is not set' }),
    );
  } finally {
    logged.mockRestore();
  }
});

it("counts a poller's call time from the end of the cold start, and a gateway's from its request", async () => {
  // Both timeouts 5 s, both first calls, each paying its worker's 300 ms load.
  expect(await invoke('slowPolled', {})).toBeGreaterThan(4800);
  expect(await invoke('slowBehindGateway', {}, lambdaContext('slowBehindGateway', 5000))).toBeLessThan(4800);
});
