import { createServer, type Server } from 'node:net';
import { kafkaCheck, runChecks } from '../../../functions/platform/health';

describe('health checks', () => {
  it('is healthy only when every component answers, and names the one that does not without its error text', async () => {
    const result = await runChecks({
      good: async () => undefined,
      bad: async () => {
        throw new Error('connect ECONNREFUSED 10.0.3.7:9001');
      },
    });
    expect(result.healthy).toBe(false);
    expect(result.components).toEqual({ good: { status: 'up' }, bad: { status: 'down', reason: 'unreachable' } });
  });

  it('gives up on a check that hangs instead of hanging itself', async () => {
    const result = await runChecks({ stuck: () => new Promise<void>(() => undefined) });
    expect(result.components.stuck).toEqual({ status: 'down', reason: 'timed out' });
  });

  it('sees a listening Kafka broker as up and a closed port as down', async () => {
    const server: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    expect((await runChecks({ kafka: kafkaCheck(`127.0.0.1:${port}`) })).healthy).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
    expect((await runChecks({ kafka: kafkaCheck(`127.0.0.1:${port}`) })).healthy).toBe(false);
  });
});
