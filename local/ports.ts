/** Local ports: each has a default and an environment variable that moves it. */
import { createServer } from 'node:net';

export const PORTS = {
  api: { variable: 'API_PORT', fallback: 4000 },
  billing: { variable: 'BILLING_PORT', fallback: 9001 },
  kafka: { variable: 'KAFKA_PORT', fallback: 9092 },
  dynamodb: { variable: 'DYNAMODB_PORT', fallback: 8000 },
} as const;
export type Component = keyof typeof PORTS;

export function portOf(component: Component, env: NodeJS.ProcessEnv = process.env): number {
  const { variable, fallback } = PORTS[component];
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${variable} must be a port number, not "${raw}"`);
  return port;
}

/** Resolves when `port` on 127.0.0.1 can be bound; rejects with a message naming the variable that moves it. */
export function assertPortFree(component: Component, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(
        new Error(
          `Port ${port} (${component}) is already in use. Stop what holds it, or set ${PORTS[component].variable} to another port.`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Ports this process has handed out already: the kernel may offer a just-closed probe's port again. */
const handedOut = new Set<number>();

/**
 * A free port on 127.0.0.1, for tests and for components started with port 0; never one this process handed out
 * before, so ports asked for together (API, billing, Kafka, DynamoDB) are never the same.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
