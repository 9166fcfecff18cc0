/** Helpers for the billing integration tests: a server on a free port over this file's own tables, and clients. */
import { join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type Client,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { startBillingServer, type BillingServer, type BillingServerOptions } from '../../../billing/src/server';
import { BillingServiceClient, type BillingResponse } from '../../../proto/gen/billing_service';
import { HealthClient, type HealthCheckResponse } from '../../../proto/gen/grpc/health/v1/health';
import { logger } from '../../../billing/src/logger';
import { useLocalTables } from '../../support/tables';

// One line per call would drown the test output; warnings and errors still show.
logger.setLogLevel('WARN');

export async function startTestServer(
  extra: Partial<BillingServerOptions> = {},
): Promise<BillingServer & { address: string; tableName: string; transactionsTableName: string }> {
  const tables = await useLocalTables();
  const tableName = tables['billing-accounts'];
  const transactionsTableName = tables['billing-transactions'];
  const server = await startBillingServer({
    port: 0,
    tableName,
    transactionsTableName,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    ...extra,
  });
  return { ...server, address: `127.0.0.1:${server.port}`, tableName, transactionsTableName };
}

type Callback<T> = (error: ServiceError | null, response: T) => void;

/** A client built at run time from the original system's proto text, as the original callers had it. */
export function originalClient(address: string) {
  const definition = loadSync(join(__dirname, 'fixtures/original-billing.proto'), { keepCase: true, defaults: true });
  const BillingService = loadPackageDefinition(definition).BillingService as ServiceClientConstructor;
  const client = new BillingService(address, credentials.createInsecure()) as unknown as Client & {
    CreateBillingAccount(
      request: object,
      metadata: Metadata,
      options: object,
      callback: Callback<{ accountId: string; status: string }>,
    ): void;
  };
  return {
    path: (BillingService.service as Record<string, { path: string }>).CreateBillingAccount!.path,
    create: (request: { patientId: string; name: string; email: string }) =>
      new Promise<{ accountId: string; status: string }>((resolve, reject) =>
        client.CreateBillingAccount(request, new Metadata(), { deadline: Date.now() + 5000 }, (e, r) =>
          e ? reject(e) : resolve(r),
        ),
      ),
    close: () => client.close(),
  };
}

/** The generated (ts-proto) clients, for what the original proto does not have. */
export function typedClients(address: string) {
  const billing = new BillingServiceClient(address, credentials.createInsecure());
  const health = new HealthClient(address, credentials.createInsecure());
  const deadline = () => ({ deadline: Date.now() + 5000 });
  return {
    billing,
    get: (patientId: string) =>
      new Promise<BillingResponse>((resolve, reject) =>
        billing.getBillingAccount({ patientId }, new Metadata(), deadline(), (e, r) => (e ? reject(e) : resolve(r))),
      ),
    create: (request: { patientId: string; name: string; email: string }) =>
      new Promise<BillingResponse>((resolve, reject) =>
        billing.createBillingAccount(request, new Metadata(), deadline(), (e, r) => (e ? reject(e) : resolve(r))),
      ),
    check: (service: string) =>
      new Promise<HealthCheckResponse>((resolve, reject) =>
        health.check({ service }, new Metadata(), deadline(), (e, r) => (e ? reject(e) : resolve(r))),
      ),
    close: () => {
      billing.close();
      health.close();
    },
  };
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail, it succeeded');
}
