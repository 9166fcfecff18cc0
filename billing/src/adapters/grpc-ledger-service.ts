/**
 * The ledger's BillingService methods over gRPC: GetBillingAccount (with the figures), RecordTransaction,
 * GetTransaction, ListTransactions. Refusals become statuses with short, data-free details; trailing
 * metadata says which rule (`billing-reason`) or which field (`billing-field`) so the API can answer precisely.
 */
import { Metadata, status, type ServerErrorResponse, type ServiceError } from '@grpc/grpc-js';
import type { BillingResponse, BillingServiceServer, Transaction } from '../../../proto/gen/billing_service';
import { InvalidBillingRequest } from '../domain/billing-account';
import {
  AccountLimitReached,
  IdempotencyKeyReused,
  InvalidTransaction,
  LedgerBusy,
  LedgerNotFound,
  RefundExceedsPaid,
  type LedgerAccount,
  type LedgerTransaction,
  type TransactionType,
} from '../domain/ledger';
import type { Ledger, RecordedTransaction } from '../use-cases/ledger';
import { logger } from '../logger';
import { statusError, toStatus } from './grpc-billing-service';

export const REASON_METADATA = 'billing-reason';
export const FIELD_METADATA = 'billing-field';

function refusal(code: status, details: string, metadata: Record<string, string>): ServerErrorResponse {
  const trailers = new Metadata();
  for (const [key, value] of Object.entries(metadata)) trailers.set(key, value);
  return Object.assign(statusError(code, details), { metadata: trailers });
}

function ledgerStatus(error: unknown, operation: string, patientId: string): Partial<ServiceError> {
  if (error instanceof InvalidTransaction)
    return refusal(status.INVALID_ARGUMENT, error.message, { [FIELD_METADATA]: error.field });
  if (error instanceof InvalidBillingRequest)
    return refusal(status.INVALID_ARGUMENT, error.message, { [FIELD_METADATA]: 'patientId' });
  if (error instanceof LedgerNotFound) return statusError(status.NOT_FOUND, error.message);
  if (error instanceof RefundExceedsPaid)
    return refusal(status.FAILED_PRECONDITION, error.message, { [REASON_METADATA]: 'REFUND_EXCEEDS_PAID' });
  if (error instanceof AccountLimitReached)
    return refusal(status.FAILED_PRECONDITION, error.message, { [REASON_METADATA]: 'ACCOUNT_LIMIT_REACHED' });
  if (error instanceof IdempotencyKeyReused)
    return refusal(status.ALREADY_EXISTS, error.message, { [REASON_METADATA]: 'IDEMPOTENCY_KEY_REUSED' });
  if (error instanceof LedgerBusy) {
    logger.warn('ledger write gave up on a busy account', { operation, patientId });
    return statusError(status.ABORTED, error.message);
  }
  return toStatus(error, operation, patientId);
}

export function accountResponse(account: LedgerAccount): BillingResponse {
  return {
    accountId: account.accountId,
    status: account.status,
    patientId: account.patientId,
    createdAt: account.createdAt,
    currency: account.currency,
    balance: account.balance,
    totalCharged: account.totalCharged,
    totalPaid: account.totalPaid,
    totalRefunded: account.totalRefunded,
    updatedAt: account.updatedAt,
  };
}

export function transactionMessage(t: LedgerTransaction & { replayed?: boolean }): Transaction {
  return {
    id: t.id,
    accountId: t.accountId,
    patientId: t.patientId,
    type: t.type,
    amount: t.amount,
    currency: t.currency,
    description: t.description,
    serviceDate: t.serviceDate,
    createdAt: t.createdAt,
    createdBy: t.createdBy,
    balanceAfter: t.balanceAfter,
    replayed: t.replayed ?? false,
  };
}

/** Runs `work` and answers its result or its refusal; ids only in the logs. */
function answer<T, R>(
  work: Promise<T>,
  toMessage: (value: T) => R,
  operation: string,
  patientId: string,
  callback: (error: Partial<ServiceError> | null, value?: R) => void,
): void {
  work.then(
    (value) => callback(null, toMessage(value)),
    (error: unknown) => callback(ledgerStatus(error, operation, patientId.slice(0, 128))),
  );
}

export function ledgerService(
  ledger: Ledger,
): Pick<BillingServiceServer, 'getBillingAccount' | 'recordTransaction' | 'getTransaction' | 'listTransactions'> {
  return {
    getBillingAccount(call, callback) {
      answer(
        ledger.account(call.request.patientId),
        accountResponse,
        'GetBillingAccount',
        call.request.patientId,
        callback,
      );
    },

    recordTransaction(call, callback) {
      const r = call.request;
      const recorded = ledger.record({
        patientId: r.patientId,
        idempotencyKey: r.idempotencyKey,
        type: r.type as TransactionType,
        amount: r.amount,
        currency: r.currency,
        description: r.description,
        serviceDate: r.serviceDate,
        createdBy: r.createdBy,
      });
      recorded.then(
        (t: RecordedTransaction) =>
          logger.info(t.replayed ? 'transaction replayed' : 'transaction recorded', {
            patientId: t.patientId,
            accountId: t.accountId,
            transactionId: t.id,
            type: t.type,
          }),
        () => undefined,
      );
      answer(recorded, transactionMessage, 'RecordTransaction', r.patientId, callback);
    },

    getTransaction(call, callback) {
      const { patientId, transactionId } = call.request;
      answer(ledger.transaction(patientId, transactionId), transactionMessage, 'GetTransaction', patientId, callback);
    },

    listTransactions(call, callback) {
      const { patientId, limit, pageToken } = call.request;
      answer(
        ledger.page(patientId, limit, pageToken),
        (page) => ({ transactions: page.transactions.map(transactionMessage), nextPageToken: page.nextPageToken }),
        'ListTransactions',
        patientId,
        callback,
      );
    },
  };
}
