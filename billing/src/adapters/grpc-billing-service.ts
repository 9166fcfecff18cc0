/**
 * BillingService over gRPC: turns calls into use-case calls and outcomes into gRPC statuses.
 * Every failure becomes a status with a short, data-free message; nothing a caller sends can crash the server.
 */
import { status, type ServerErrorResponse, type ServiceError } from '@grpc/grpc-js';
import { BillingResponse, type BillingServiceServer } from '../../../proto/gen/billing_service';
import type { AccountRepository } from '../domain/account-repository';
import { InvalidBillingRequest, type BillingAccount } from '../domain/billing-account';
import { openBillingAccount } from '../use-cases/billing-accounts';
import { logger } from '../logger';

// DynamoDB answers that mean "try again": the caller's client retries UNAVAILABLE, and opening is idempotent.
const TRANSIENT_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

export function statusError(code: status, details: string): ServerErrorResponse {
  return Object.assign(new Error(details), { code, details });
}

export function toStatus(error: unknown, operation: string, patientId: string): Partial<ServiceError> {
  if (error instanceof InvalidBillingRequest) return statusError(status.INVALID_ARGUMENT, error.message);
  const err = error as Error & { code?: string };
  const name = err?.name ?? 'Error';
  const transient = TRANSIENT_ERRORS.has(name) || (err?.code !== undefined && TRANSIENT_ERRORS.has(err.code));
  // The error name and the patient id only: a storage error message could quote the item.
  logger.error('billing call failed', { operation, patientId, error: name, transient });
  return transient
    ? statusError(status.UNAVAILABLE, 'billing storage is unavailable, retry')
    : statusError(status.INTERNAL, 'billing failed to process the request');
}

function toResponse(account: BillingAccount): BillingResponse {
  // Fields 1-4; GetBillingAccount answers the ledger's figures too.
  return BillingResponse.fromPartial({
    accountId: account.accountId,
    status: account.status,
    patientId: account.patientId,
    createdAt: account.createdAt,
  });
}

/** Opening accounts; the ledger's methods (GetBillingAccount with the figures among them) are in grpc-ledger-service.ts. */
export function billingService(accounts: AccountRepository): Pick<BillingServiceServer, 'createBillingAccount'> {
  return {
    createBillingAccount(call, callback) {
      const { patientId, name, email } = call.request;
      openBillingAccount(accounts, { patientId, name, email }).then(
        ({ account, created }) => {
          logger.info(created ? 'billing account opened' : 'billing account already open', {
            patientId,
            accountId: account.accountId,
          });
          callback(null, toResponse(account));
        },
        (error: unknown) => callback(toStatus(error, 'CreateBillingAccount', patientId.slice(0, 128))),
      );
    },
  };
}
