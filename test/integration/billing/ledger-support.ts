/** Promise-returning calls of the ledger's gRPC methods (generated client), for the billing integration tests. */
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import type {
  BillingResponse,
  BillingServiceClient,
  RecordTransactionRequest,
  Transaction,
  TransactionPage,
} from '../../../proto/gen/billing_service';

type Unary<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: object,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

function promised<Req, Res>(client: BillingServiceClient, method: Unary<Req, Res>) {
  return (request: Req) =>
    new Promise<Res>((resolve, reject) =>
      method.call(client, request, new Metadata(), { deadline: Date.now() + 10_000 }, (e, r) =>
        e ? reject(e) : resolve(r),
      ),
    );
}

export function ledgerCalls(client: BillingServiceClient) {
  return {
    account: promised<{ patientId: string }, BillingResponse>(client, client.getBillingAccount as never),
    record: promised<RecordTransactionRequest, Transaction>(client, client.recordTransaction as never),
    transaction: promised<{ patientId: string; transactionId: string }, Transaction>(
      client,
      client.getTransaction as never,
    ),
    page: promised<{ patientId: string; limit: number; pageToken: string }, TransactionPage>(
      client,
      client.listTransactions as never,
    ),
  };
}

/** A request with sensible defaults. */
export function transactionRequest(
  patientId: string,
  overrides: Partial<RecordTransactionRequest> = {},
): RecordTransactionRequest {
  return {
    patientId,
    idempotencyKey: `key-${Math.random().toString(36).slice(2)}`,
    type: 'CHARGE',
    amount: 1000,
    currency: '',
    description: 'Consultation',
    serviceDate: '',
    createdBy: 'user-1',
    ...overrides,
  };
}

/** The billing-field / billing-reason trailer of a refusal. */
export const trailer = (error: ServiceError, name: string): string | undefined =>
  error.metadata?.get(name)[0]?.toString();
