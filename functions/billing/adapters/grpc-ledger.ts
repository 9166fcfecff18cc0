/**
 * LedgerPort over the billing service's gRPC client. Billing's refusals (status + `billing-reason` /
 * `billing-field` trailers, see proto/billing_service.proto) become LedgerErrors; the API's names for
 * billing's fields (Idempotency-Key, cursor) are chosen here.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import type { BillingClient, TransactionReply } from '../../commons/clients/billing';
import { invalidField, LedgerError } from '../domain/errors';
import type { LedgerAccountView, LedgerPort, LedgerTransactionView, TransactionType } from '../ports';

const API_FIELD: Record<string, string> = { idempotencyKey: 'Idempotency-Key', pageToken: 'cursor' };
const RETRY_LATER = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.ABORTED]);

export type LedgerClient = Pick<
  BillingClient,
  'getBillingAccount' | 'recordTransaction' | 'getTransaction' | 'listTransactions'
>;

const trailer = (error: ServiceError, name: string) => error.metadata?.get(name)[0]?.toString();

/** A billing refusal as a LedgerError; NOT_FOUND as `notFound` (undefined: let the caller decide); anything else unchanged. */
function translated(error: unknown, notFound?: () => LedgerError): unknown {
  const e = error as ServiceError;
  if (e?.code === undefined) return error;
  if (e.code === status.INVALID_ARGUMENT) {
    const field = trailer(e, 'billing-field') ?? '(body)';
    const message = e.details?.replace(/^[^:]*:\s*/, '') || 'invalid value';
    return invalidField(API_FIELD[field] ?? field, message[0]!.toUpperCase() + message.slice(1));
  }
  if (e.code === status.FAILED_PRECONDITION) {
    return trailer(e, 'billing-reason') === 'ACCOUNT_LIMIT_REACHED'
      ? new LedgerError('ACCOUNT_LIMIT_REACHED', 'The account has reached the largest total it can hold')
      : new LedgerError('REFUND_EXCEEDS_PAID', 'A refund may not exceed what was paid and not refunded yet');
  }
  if (e.code === status.ALREADY_EXISTS)
    return new LedgerError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body');
  if (RETRY_LATER.has(e.code))
    return new LedgerError(
      'BILLING_UNAVAILABLE',
      'Billing is unavailable; retry shortly (with the same Idempotency-Key)',
    );
  if (e.code === status.NOT_FOUND && notFound) return notFound();
  return error;
}

const isNotFound = (error: unknown) => (error as ServiceError)?.code === status.NOT_FOUND;

const view = (t: TransactionReply): LedgerTransactionView => ({ ...t, type: t.type as TransactionType });

export class GrpcLedger implements LedgerPort {
  constructor(private readonly client: LedgerClient) {}

  async account(patientId: string): Promise<LedgerAccountView | undefined> {
    try {
      const a = await this.client.getBillingAccount(patientId);
      return {
        accountId: a.accountId,
        currency: a.currency,
        balance: a.balance,
        totalCharged: a.totalCharged,
        totalPaid: a.totalPaid,
        totalRefunded: a.totalRefunded,
        updatedAt: a.updatedAt,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translated(error);
    }
  }

  async record(request: Parameters<LedgerPort['record']>[0]): Promise<LedgerTransactionView> {
    try {
      return view(
        await this.client.recordTransaction({
          patientId: request.patientId,
          idempotencyKey: request.idempotencyKey,
          type: request.type,
          amount: request.amount,
          currency: request.currency ?? '',
          description: request.description,
          serviceDate: request.serviceDate ?? '',
          createdBy: request.createdBy,
        }),
      );
    } catch (error) {
      throw translated(
        error,
        () => new LedgerError('ACCOUNT_PENDING', 'The billing account is not open yet; retry shortly'),
      );
    }
  }

  async transaction(patientId: string, transactionId: string): Promise<LedgerTransactionView | undefined> {
    try {
      return view(await this.client.getTransaction(patientId, transactionId));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translated(error);
    }
  }

  async page(patientId: string, limit: number, cursor?: string) {
    try {
      const page = await this.client.listTransactions(patientId, limit, cursor ?? '');
      return { transactions: page.transactions.map(view), nextCursor: page.nextPageToken || null };
    } catch (error) {
      if (isNotFound(error)) return { transactions: [], nextCursor: null };
      throw translated(error);
    }
  }
}
