import type { Runtime } from '../../local/runtime';

export default async function teardown(): Promise<void> {
  await (globalThis as { __RUNTIME__?: Runtime }).__RUNTIME__?.stop();
}
