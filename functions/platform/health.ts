/**
 * Health of every dependency: DynamoDB, the billing service (gRPC health protocol) and the Kafka
 * bootstrap broker. Each check has a short deadline, so a dead dependency makes 503, never a hang.
 */
import { connect } from 'node:net';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Client, ServiceError } from '@grpc/grpc-js';
import { grpcModules } from '../commons/clients/grpc';
import { dynamoClient, tableName } from '../commons/clients/dynamo';
import { logger } from '../commons/logger';
import { withTimeout } from '../commons/timeout';

/** What a caller of /health learns of a failure: a category, never an address or an error text. */
export type DownReason = 'timed out' | 'unreachable' | 'not serving';
export type ComponentState = { status: 'up' } | { status: 'down'; reason: DownReason };
export type Check = () => Promise<void>;

const CHECK_TIMEOUT_MS = 1500;

class CheckFailed extends Error {
  constructor(
    readonly reason: DownReason,
    detail: string = reason,
  ) {
    super(detail);
  }
}

export async function runChecks(
  checks: Record<string, Check>,
): Promise<{ healthy: boolean; components: Record<string, ComponentState> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, ComponentState]> => {
      try {
        await withTimeout(check(), CHECK_TIMEOUT_MS, () => new CheckFailed('timed out'));
        return [name, { status: 'up' }];
      } catch (error) {
        // The detail (addresses, error codes) goes to the operator's log only.
        logger.warn('Health check failed', { component: name, detail: (error as Error).message.slice(0, 200) });
        return [name, { status: 'down', reason: error instanceof CheckFailed ? error.reason : 'unreachable' }];
      }
    }),
  );
  const components = Object.fromEntries(entries);
  return { healthy: entries.every(([, state]) => state.status === 'up'), components };
}

export const dynamoCheck: Check = async () => {
  await dynamoClient().send(new DescribeTableCommand({ TableName: tableName('patients') }));
};

// grpc.health.v1.Health/Check: an empty HealthCheckRequest (service "") → HealthCheckResponse{status=1 SERVING}.
const HEALTH_SERVICE = {
  Check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: () => Buffer.alloc(0),
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
} as const;
let healthClient: Client | undefined;

export function billingCheck(address: string): Check {
  return () =>
    new Promise((resolve, reject) => {
      const { grpc, billingChannel } = grpcModules();
      if (!healthClient) {
        const HealthClient = grpc.makeGenericClientConstructor(HEALTH_SERVICE, 'Health');
        const channel = billingChannel();
        healthClient = new HealthClient(address, channel.credentials, channel.options);
      }
      const call = (
        healthClient as unknown as Record<
          string,
          (req: Buffer, opts: object, cb: (e: Error | null, r?: Buffer) => void) => void
        >
      ).Check!;
      call.call(healthClient, Buffer.alloc(0), { deadline: Date.now() + CHECK_TIMEOUT_MS }, (error, response) => {
        if (error)
          return reject(
            (error as ServiceError).code === grpc.status.DEADLINE_EXCEEDED
              ? new CheckFailed('timed out', 'billing: deadline exceeded')
              : new Error(`billing: ${error.message}`),
          );
        // Field 1 (status), varint: 1 = SERVING.
        if (response && response[0] === 0x08 && response[1] === 1) return resolve();
        reject(new CheckFailed('not serving', 'billing is not serving'));
      });
    });
}

export function kafkaCheck(brokers: string): Check {
  const [host, port] = (brokers.split(',')[0] ?? '').trim().split(':');
  return () =>
    new Promise((resolve, reject) => {
      const socket = connect({ host, port: Number(port) });
      socket.setTimeout(CHECK_TIMEOUT_MS);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new CheckFailed('timed out', 'kafka: timed out'));
      });
      socket.once('error', (error) => reject(new Error(`kafka: ${error.message}`)));
    });
}

/** The checks this deployment has, from its environment. */
export function configuredChecks(env: NodeJS.ProcessEnv = process.env): Record<string, Check> {
  return {
    dynamodb: dynamoCheck,
    ...(env.BILLING_ADDRESS ? { billing: billingCheck(env.BILLING_ADDRESS) } : {}),
    ...(env.KAFKA_BROKERS ? { kafka: kafkaCheck(env.KAFKA_BROKERS) } : {}),
  };
}
