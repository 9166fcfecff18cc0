/**
 * The billing routes: GET /api/patients/{id}/billing, GET and POST …/billing/transactions and
 * GET …/billing/transactions/{transactionId}. Thin: the event into a use-case call, the result or the
 * refusal into an HTTP answer.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { checkingToken } from '../authorizer/in-function';
import { callerOf } from '../commons/caller';
import { HttpError } from '../commons/errors';
import { handlerFor, header, httpHandler, json, parseBody } from '../commons/http';
import type { RouteKey } from '../../system/routes';
import { PatientError } from '../patients';
import { LedgerError, type LedgerErrorKind } from './domain/errors';
import { billingPorts } from './ports-from-env';
import type { BillingPorts, RequestContext } from './ports';
import { TransactionInput } from './schemas';
import { getBillingAccount, getTransaction, listTransactions, recordTransaction } from './use-cases/ledger-use-cases';

const STATUS_OF: Record<LedgerErrorKind, number> = {
  INVALID: 400, ACCOUNT_PENDING: 409, REFUND_EXCEEDS_PAID: 422, ACCOUNT_LIMIT_REACHED: 422, IDEMPOTENCY_KEY_REUSED: 422,
  TRANSACTION_NOT_FOUND: 404, BILLING_UNAVAILABLE: 503,
};
/** Seconds to wait: an account opens within seconds of its patient; billing outages are retried sooner. */
const RETRY_AFTER: Partial<Record<LedgerErrorKind, string>> = { ACCOUNT_PENDING: '5', BILLING_UNAVAILABLE: '2' };
const MAX_IDEMPOTENCY_KEY = 255;

/** The Idempotency-Key header: required on POST, 1-255 visible ASCII characters. */
function idempotencyKeyOf(event: APIGatewayProxyEvent): string {
  const value = header(event, 'Idempotency-Key')?.trim();
  if (value === undefined || value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY || !/^[\x21-\x7e]+$/.test(value)) {
    throw new HttpError(400, value === undefined ? 'An Idempotency-Key header is required' : 'Invalid Idempotency-Key header',
      [{ field: 'Idempotency-Key', message: `Required: 1-${MAX_IDEMPOTENCY_KEY} visible ASCII characters, new for each transaction` }]);
  }
  return value;
}

type RouteHandler = (ports: BillingPorts, ctx: RequestContext, event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const ROUTES: Record<RouteKey<'billing-api'>, RouteHandler> = {
  'GET /api/patients/{id}/billing': async (ports, ctx, event) => json(200, await getBillingAccount(ports, ctx, event.pathParameters?.id)),
  'GET /api/patients/{id}/billing/transactions': async (ports, ctx, event) =>
    json(200, await listTransactions(ports, ctx, event.pathParameters?.id, event.queryStringParameters ?? {})),
  'GET /api/patients/{id}/billing/transactions/{transactionId}': async (ports, ctx, event) =>
    json(200, await getTransaction(ports, ctx, event.pathParameters?.id, event.pathParameters?.transactionId)),
  'POST /api/patients/{id}/billing/transactions': async (ports, ctx, event) => {
    const { transaction, replayed } = await recordTransaction(ports, ctx, event.pathParameters?.id, {
      input: () => parseBody(event, TransactionInput), idempotencyKey: () => idempotencyKeyOf(event),
    });
    return json(201, transaction, {
      Location: `/api/patients/${transaction.patientId}/billing/transactions/${transaction.id}`,
      ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  },
};

export async function route(ports: BillingPorts, event: APIGatewayProxyEvent, context: Pick<Context, 'awsRequestId'>): Promise<APIGatewayProxyResult> {
  const ctx: RequestContext = { caller: callerOf(event), requestId: event.requestContext?.requestId ?? context.awsRequestId };
  try {
    return await handlerFor(ROUTES, event)(ports, ctx, event);
  } catch (error) {
    // The patient rules' refusals: 403 for the role, 404 for a record the caller may not see (or that is not there).
    if (error instanceof PatientError && (error.kind === 'FORBIDDEN' || error.kind === 'NOT_FOUND')) {
      throw new HttpError(error.kind === 'FORBIDDEN' ? 403 : 404, error.message);
    }
    if (!(error instanceof LedgerError)) throw error;
    const retryAfter = RETRY_AFTER[error.kind];
    throw new HttpError(STATUS_OF[error.kind], error.message, error.errors, retryAfter ? { 'Retry-After': retryAfter } : {});
  }
}

export const handler = httpHandler(checkingToken((event, context) => route(billingPorts(), event, context)));
