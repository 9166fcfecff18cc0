/**
 * kafkajs 2.2.4 re-arms a 1 ms timer on every connection with nothing to send, for as long as the connection lives
 * (tulios/kafkajs#1556, #1704; never released upstream): each idle producer and consumer burns CPU. The fix is
 * patches/kafkajs+2.2.4.patch, applied by `npm ci` (postinstall) and so bundled into every function.
 */
import { createHook } from 'node:async_hooks';
import type { Broker } from '../../../local/broker';
import { kafkaFor, startTestBroker, tempDataDir } from './support';

let broker: Broker;
const dataDir = tempDataDir();

beforeAll(async () => {
  broker = await startTestBroker(dataDir.path);
});

afterAll(async () => {
  await broker.stop();
  dataDir.remove();
});

/** Timers created anywhere in this process during `ms` of doing nothing. */
async function timersCreatedWhileIdle(ms: number): Promise<number> {
  let created = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'Timeout') created++;
    },
  }).enable();
  await new Promise<void>((done) => setTimeout(done, ms));
  hook.disable();
  return created - 1; // our own wait
}

it('an idle producer connection sets no timers once its request is answered', async () => {
  const producer = kafkaFor(broker, 'idle-producer').producer();
  await producer.connect();
  try {
    await producer.send({ topic: 'idle-check', acks: -1, messages: [{ value: 'one' }] });
    // Unpatched: one timer a millisecond or so (a few hundred here); patched: none.
    expect(await timersCreatedWhileIdle(500)).toBeLessThan(10);
  } finally {
    await producer.disconnect();
  }
});
