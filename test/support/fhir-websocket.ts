/** @medplum/core 5 reads globalThis.WebSocket when it is loaded; Node 20 has none (Node 22 does). Import this first. */
(globalThis as { WebSocket?: unknown }).WebSocket ??= class WebSocketUnavailable {
  constructor() {
    throw new Error('WebSocket is not available in these tests');
  }
};
export {};
