/**
 * The billing service's gRPC client, for the patients, billing, pending-billing and platform functions.
 * One channel per process, reused across invocations, balanced over billing's tasks (system/billing-channel.ts);
 * retries with exponential backoff on UNAVAILABLE only (at most 3 attempts): UNAVAILABLE means the call did not
 * reach a server able to answer it, and every write billing takes is idempotent (CreateBillingAccount per
 * patient, RecordTransaction per idempotency key), so a retry never does a thing twice.
 *
 * Time: a whole call (every attempt and backoff together) ends within its budget, 2.5 s; one attempt within
 * 2 s of it. Before, each of 3 attempts had its own 2 s (up to ~6.5 s of a 10 s function). A billing call takes
 * tens of milliseconds; one unanswered for seconds meets an overloaded service, and waiting longer only holds
 * the calling function: at 10,000 creates/s every second of waiting is 10,000 more concurrent executions.
 * Create does not need the answer (the patient is stored PENDING and the stream's pending-billing reader opens
 * the account later). The attempt keeps 2 s so a cold connection (DNS, TLS, a cold DynamoDB Local) is not
 * mistaken for an outage; the budget stays far below the calling functions' timeouts
 * (test/unit/commons/billing-budget.test.ts holds them together).
 */
import type { Metadata, ServiceError } from '@grpc/grpc-js';
import type {
  BillingResponse,
  BillingServiceClient,
  RecordTransactionRequest,
  Transaction,
  TransactionPage,
} from '../../../proto/gen/billing_service';
import { retry, sleep } from '../retry';
import { grpcModules } from './grpc';

export interface BillingAccountRequest {
  patientId: string;
  name: string;
  email: string;
}
export interface BillingAccountReply {
  accountId: string;
  status: string;
}
export type { RecordTransactionRequest, Transaction as TransactionReply };

export interface BillingClient {
  createBillingAccount(request: BillingAccountRequest): Promise<BillingAccountReply>;
  /** The account with its ledger figures; rejects NOT_FOUND when the patient has none. */
  getBillingAccount(patientId: string): Promise<BillingResponse>;
  recordTransaction(request: RecordTransactionRequest): Promise<Transaction>;
  getTransaction(patientId: string, transactionId: string): Promise<Transaction>;
  listTransactions(patientId: string, limit: number, pageToken: string): Promise<TransactionPage>;
  /** Closes the shared channel (tests, shutdown); the next call opens a new one. */
  close(): void;
}

export interface BillingClientOptions {
  /** host:port; defaults to BILLING_ADDRESS. */
  address?: string;
  /** Deadline of one attempt (at most what is left of the budget). */
  deadlineMs?: number;
  /** The whole call's time, attempts and backoff together: no attempt runs past it. */
  budgetMs?: number;
  maxAttempts?: number;
  /** First backoff; doubled for each further attempt, with jitter. */
  backoffMs?: number;
  /** How to wait between attempts (tests replace it to act between attempts deterministically). */
  wait?: (ms: number, failedAttempt: number) => Promise<void>;
}

export const BILLING_CALL_DEFAULTS = { deadlineMs: 2000, budgetMs: 2500, maxAttempts: 3, backoffMs: 100 } as const;
/** A retry is worth starting only with at least this much of the budget left after its backoff. */
const MIN_ATTEMPT_MS = 100;

let serviceClient: typeof BillingServiceClient | undefined;

/** The generated client, loaded with grpc-js on the first billing call (see ./grpc.ts). */
function billingServiceClient(): typeof BillingServiceClient {
  if (!serviceClient) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
    const generated = require('../../../proto/gen/billing_service') as {
      BillingServiceClient: typeof BillingServiceClient;
    };
    serviceClient = generated.BillingServiceClient;
  }
  return serviceClient;
}

/** For functions whose every request calls billing: grpc-js and the stubs then load in the init phase (full CPU). */
export function preloadBillingClient(): void {
  grpcModules();
  billingServiceClient();
}

let shared: { address: string; client: BillingServiceClient } | undefined;

function channelFor(address: string): BillingServiceClient {
  if (shared?.address !== address) {
    shared?.client.close();
    const BillingService = billingServiceClient();
    const channel = grpcModules().billingChannel();
    shared = { address, client: new BillingService(address, channel.credentials, channel.options) };
  }
  return shared.client;
}

/**
 * After UNAVAILABLE a grpc-js channel backs off before reconnecting and fails calls fast meanwhile,
 * so a retry on it would fail too: drop it (only if no other call replaced it already) and retry on a fresh one.
 */
function discardChannel(client: BillingServiceClient): void {
  if (shared?.client === client) {
    shared = undefined;
    client.close();
  }
}

type Callback<T> = (error: ServiceError | null, response: T) => void;
/** One unary call on a client: the generated method, called with fresh metadata and a deadline. */
type Call<T> = (
  client: BillingServiceClient,
  metadata: Metadata,
  options: { deadline: number },
  callback: Callback<T>,
) => void;

function callOnce<T>(client: BillingServiceClient, call: Call<T>, deadlineMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    call(client, new (grpcModules().grpc.Metadata)(), { deadline: Date.now() + deadlineMs }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Billing refused the request itself (INVALID_ARGUMENT): asking again can never succeed. */
export const isRefusedByBilling = (error: unknown): boolean =>
  (error as ServiceError | null)?.code === grpcModules().grpc.status.INVALID_ARGUMENT;

export function billingClient(options: BillingClientOptions = {}): BillingClient {
  const deadlineMs = options.deadlineMs ?? BILLING_CALL_DEFAULTS.deadlineMs;
  const budgetMs = options.budgetMs ?? BILLING_CALL_DEFAULTS.budgetMs;
  const maxAttempts = Math.max(1, options.maxAttempts ?? BILLING_CALL_DEFAULTS.maxAttempts);
  const backoffMs = options.backoffMs ?? BILLING_CALL_DEFAULTS.backoffMs;
  const wait = options.wait ?? sleep;
  const unavailable = (error: unknown) => (error as ServiceError).code === grpcModules().grpc.status.UNAVAILABLE;

  async function withRetries<T>(call: Call<T>): Promise<T> {
    const address = options.address ?? process.env.BILLING_ADDRESS;
    if (!address) throw new Error('BILLING_ADDRESS is not set');
    const started = Date.now();
    const left = () => budgetMs - (Date.now() - started);
    return retry(
      async () => {
        const client = channelFor(address);
        try {
          return await callOnce(client, call, Math.max(1, Math.min(deadlineMs, left())));
        } catch (error) {
          if (unavailable(error)) discardChannel(client);
          throw error;
        }
      },
      {
        // Exponential backoff with jitter (100, 200, ... ms, each +0-50 %) so callers do not retry in lockstep,
        // cut short so that a retry still has MIN_ATTEMPT_MS of the budget; none when less than that is left.
        attempts: maxAttempts,
        retryable: (error) => unavailable(error) && left() > MIN_ATTEMPT_MS,
        backoff: { baseMs: backoffMs, jitter: 'add-half' },
        wait: (ms, failedAttempt) => wait(Math.max(0, Math.min(ms, left() - MIN_ATTEMPT_MS)), failedAttempt),
      },
    );
  }

  return {
    async createBillingAccount(request) {
      const response = await withRetries<BillingResponse>((c, m, o, cb) => c.createBillingAccount(request, m, o, cb));
      return { accountId: response.accountId, status: response.status };
    },
    getBillingAccount: (patientId) => withRetries((c, m, o, cb) => c.getBillingAccount({ patientId }, m, o, cb)),
    recordTransaction: (request) => withRetries((c, m, o, cb) => c.recordTransaction(request, m, o, cb)),
    getTransaction: (patientId, transactionId) =>
      withRetries((c, m, o, cb) => c.getTransaction({ patientId, transactionId }, m, o, cb)),
    listTransactions: (patientId, limit, pageToken) =>
      withRetries((c, m, o, cb) => c.listTransactions({ patientId, limit, pageToken }, m, o, cb)),
    close() {
      if (shared) discardChannel(shared.client);
    },
  };
}
