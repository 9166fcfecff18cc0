/**
 * The billing gRPC server: BillingService and grpc.health.v1.Health on one port, accounts in DynamoDB.
 * stop() drains: health turns NOT_SERVING, listeners close (new connections are refused), in-flight calls
 * finish, and only calls still running at the drain deadline are cut off.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { BillingServiceService } from '../../proto/gen/billing_service';
import { HealthService } from '../../proto/gen/grpc/health/v1/health';
import { billingDynamoClient, DynamoAccountRepository } from './adapters/dynamo-account-repository';
import { billingService } from './adapters/grpc-billing-service';
import { ledgerService } from './adapters/grpc-ledger-service';
import { DynamoLedgerRepository } from './adapters/dynamo-ledger-repository';
import type { LedgerRepository } from './domain/ledger-repository';
import { Ledger } from './use-cases/ledger';
import { HealthStatus } from './adapters/health-service';
import type { AccountRepository } from './domain/account-repository';
import { BILLING_MAX_CONNECTION_AGE_GRACE_MS, BILLING_MAX_CONNECTION_AGE_MS } from '../../system/billing-channel';
import type { TlsIdentity } from '../../system/tls-certificate';
import { logger } from './logger';

export interface BillingServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Defaults to 127.0.0.1; the container listens on 0.0.0.0 (BILLING_HOST in its Dockerfile and task). */
  host?: string;
  tableName: string;
  /** The ledger's table (transactions and idempotency keys). */
  transactionsTableName: string;
  /** ISO 4217 currency of every account; default USD. */
  currency?: string;
  /** DynamoDB Local's URL; unset on AWS. */
  dynamoEndpoint?: string;
  /** How long stop() lets in-flight calls finish before cutting them off. Default 10 s (ECS waits 30 s before SIGKILL). */
  drainTimeoutMs?: number;
  /** Serve TLS with this certificate and key; plaintext without. */
  tls?: TlsIdentity;
  /** How long a client connection may live before the server asks the client to reconnect (default: system/billing-channel.ts). */
  maxConnectionAgeMs?: number;
  /** Replaces the DynamoDB repository (tests wrap the real one to hold a call in flight). */
  accounts?: (real: AccountRepository) => AccountRepository;
  /** Replaces the ledger's DynamoDB repository (tests wrap the real one, e.g. to stop the process mid-write). */
  ledger?: (real: LedgerRepository) => LedgerRepository;
}

export const DEFAULT_CURRENCY = 'USD';

export interface BillingServer {
  port: number;
  stop(): Promise<void>;
}

// Requests are three short strings; anything near this size is abuse, refused by grpc-js with RESOURCE_EXHAUSTED.
const MAX_MESSAGE_BYTES = 64 * 1024;

function bindAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function startBillingServer(options: BillingServerOptions): Promise<BillingServer> {
  const host = options.host ?? '127.0.0.1';
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const dynamo = billingDynamoClient(options.dynamoEndpoint);
  const currency = options.currency ?? DEFAULT_CURRENCY;
  const real = new DynamoAccountRepository(dynamo, options.tableName, currency);
  const accounts = options.accounts ? options.accounts(real) : real;
  const ledgerRepository = new DynamoLedgerRepository(
    dynamo,
    { accounts: options.tableName, transactions: options.transactionsTableName },
    currency,
  );
  const ledger = new Ledger(options.ledger ? options.ledger(ledgerRepository) : ledgerRepository);
  const health = new HealthStatus([BillingServiceService.createBillingAccount.path.split('/')[1]!]);

  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    // Clients reconnect now and then, and so find tasks started since (system/billing-channel.ts).
    'grpc.max_connection_age_ms': options.maxConnectionAgeMs ?? BILLING_MAX_CONNECTION_AGE_MS,
    'grpc.max_connection_age_grace_ms': BILLING_MAX_CONNECTION_AGE_GRACE_MS,
  });
  server.addService(BillingServiceService, { ...billingService(accounts), ...ledgerService(ledger) });
  server.addService(HealthService, health.service());

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const credentials = options.tls
        ? ServerCredentials.createSsl(
            null,
            [{ cert_chain: Buffer.from(options.tls.certificate), private_key: Buffer.from(options.tls.privateKey) }],
            false,
          )
        : ServerCredentials.createInsecure();
      server.bindAsync(bindAddress(host, options.port), credentials, (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
  } catch (error) {
    server.forceShutdown();
    dynamo.destroy();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      health.shutdown();
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve(false);
        }, drainTimeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      logger.info(
        drained ? 'billing server drained' : 'billing server drain deadline passed, remaining calls cut off',
        { port, drainTimeoutMs },
      );
      dynamo.destroy();
    })();
    return stopping;
  };

  return { port, stop };
}
