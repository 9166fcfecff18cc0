import type { RuntimeProcess } from './runtime-process';

export default async function teardown(): Promise<void> {
  await (globalThis as { __RUNTIME__?: RuntimeProcess }).__RUNTIME__?.stop();
}
