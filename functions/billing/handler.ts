/**
 * The billing routes: GET /api/patients/{id}/billing, GET and POST …/billing/transactions and
 * GET …/billing/transactions/{transactionId}. Thin: the event into a use-case call, the result or the
 * refusal into an HTTP answer.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { checkingToken } from '../authorizer/in-function';
import { requestContextOf } from '../commons/caller';
import { HttpError, httpErrorOf, type ProblemOfKind } from '../commons/errors';
import { preloadBillingClient } from '../commons/clients/billing';
import { handlerFor, header, httpHandler, json, parseBody } from '../commons/http';
import type { RouteKey } from '../../system/routes';
import { PatientError, type PatientErrorKind } from '../patients/domain/errors';
import { PROBLEM_OF as PATIENT_PROBLEM_OF } from '../patients/http-status';
import { LedgerError, type LedgerErrorKind } from './domain/errors';
import { billingPorts } from './ports-from-env';
import type { BillingPorts, RequestContext } from './ports';
import { TransactionInput } from './schemas';
import { getBillingAccount, getTransaction, listTransactions, recordTransaction } from './use-cases/ledger-use-cases';

/** Retry-After: an account opens within seconds of its patient; billing outages are retried sooner. */
const PROBLEM_OF: Record<LedgerErrorKind, ProblemOfKind> = {
  INVALID: { status: 400 },
  ACCOUNT_PENDING: { status: 409, retryAfterSeconds: 5 },
  REFUND_EXCEEDS_PAID: { status: 422 },
  ACCOUNT_LIMIT_REACHED: { status: 422 },
  IDEMPOTENCY_KEY_REUSED: { status: 422 },
  TRANSACTION_NOT_FOUND: { status: 404 },
  BILLING_UNAVAILABLE: { status: 503, retryAfterSeconds: 2 },
};
/** The patient rules' refusals: 403 for the role, 404 for a record the caller may not see (or that is not there, or deleted). */
const PATIENT_REFUSALS: readonly PatientErrorKind[] = ['FORBIDDEN', 'NOT_FOUND', 'GONE'];
const MAX_IDEMPOTENCY_KEY = 255;

/** The Idempotency-Key header: required on POST, 1-255 visible ASCII characters. */
function idempotencyKeyOf(event: APIGatewayProxyEvent): string {
  const value = header(event, 'Idempotency-Key')?.trim();
  if (
    value === undefined ||
    value.length === 0 ||
    value.length > MAX_IDEMPOTENCY_KEY ||
    !/^[\x21-\x7e]+$/.test(value)
  ) {
    throw new HttpError(
      400,
      value === undefined ? 'An Idempotency-Key header is required' : 'Invalid Idempotency-Key header',
      [
        {
          field: 'Idempotency-Key',
          message: `Required: 1-${MAX_IDEMPOTENCY_KEY} visible ASCII characters, new for each transaction`,
        },
      ],
    );
  }
  return value;
}

type RouteHandler = (
  ports: BillingPorts,
  ctx: RequestContext,
  event: APIGatewayProxyEvent,
) => Promise<APIGatewayProxyResult>;

const ROUTES: Record<RouteKey<'billing-api'>, RouteHandler> = {
  'GET /api/patients/{id}/billing': async (ports, ctx, event) =>
    json(200, await getBillingAccount(ports, ctx, event.pathParameters?.id)),
  'GET /api/patients/{id}/billing/transactions': async (ports, ctx, event) =>
    json(200, await listTransactions(ports, ctx, event.pathParameters?.id, event.queryStringParameters ?? {})),
  'GET /api/patients/{id}/billing/transactions/{transactionId}': async (ports, ctx, event) =>
    json(200, await getTransaction(ports, ctx, event.pathParameters?.id, event.pathParameters?.transactionId)),
  'POST /api/patients/{id}/billing/transactions': async (ports, ctx, event) => {
    const { transaction, replayed } = await recordTransaction(ports, ctx, event.pathParameters?.id, {
      input: () => parseBody(event, TransactionInput),
      idempotencyKey: () => idempotencyKeyOf(event),
    });
    return json(201, transaction, {
      Location: `/api/patients/${transaction.patientId}/billing/transactions/${transaction.id}`,
      ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  },
};

export async function route(
  ports: BillingPorts,
  event: APIGatewayProxyEvent,
  context: Pick<Context, 'awsRequestId'>,
): Promise<APIGatewayProxyResult> {
  const ctx = requestContextOf(event, context);
  try {
    return await handlerFor(ROUTES, event)(ports, ctx, event);
  } catch (error) {
    if (error instanceof PatientError && PATIENT_REFUSALS.includes(error.kind))
      throw httpErrorOf(PATIENT_PROBLEM_OF, error);
    if (!(error instanceof LedgerError)) throw error;
    throw httpErrorOf(PROBLEM_OF, error);
  }
}

// Every route calls billing: its client loads in the init phase, not in the first request.
preloadBillingClient();

export const handler = httpHandler(checkingToken((event, context) => route(billingPorts(), event, context)));
