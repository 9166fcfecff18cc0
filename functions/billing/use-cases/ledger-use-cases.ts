/**
 * The billing routes' use cases: a patient's account, its transactions (a page, one), and recording one.
 * Each is audited like a patient read or write (resource BILLING); a patient-role caller reaches only their
 * own record (any other → 404, audited DENIED) and never records (403). Billing itself is reached through
 * the LedgerPort; a PENDING patient (account not opened yet) reads as an empty account, and a write waits.
 */
import { mayPerform, ownRecordEmail, seesOnlyOwnRecord, type PatientAction } from '../../patients/domain/access';
import { forbidden, notFound } from '../../patients/domain/errors';
import { emailKey, isDeleted, isPatientId, type PatientRecord } from '../../patients/domain/patient';
import { audited } from '../../patients/use-cases/audited';
import { invalidField, LedgerError } from '../domain/errors';
import type { BillingPorts, LedgerTransactionView, RequestContext } from '../ports';
import type { BillingAccount, Transaction, TransactionInput, TransactionPage } from '../schemas';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** The patient the route names, if the caller may see it; else NOT_FOUND (a patient learns nothing of others' records). */
async function visiblePatient(
  ports: BillingPorts,
  ctx: RequestContext,
  action: PatientAction,
  id: string | undefined,
): Promise<PatientRecord> {
  if (!mayPerform(ctx.caller.role, action)) throw forbidden();
  if (!isPatientId(id)) throw notFound();
  const patient = await ports.patients.get(id);
  if (!patient || isDeleted(patient)) throw notFound();
  if (seesOnlyOwnRecord(ctx.caller.role) && emailKey(patient.email) !== ownRecordEmail(ctx.caller))
    throw notFound('DENIED');
  return patient;
}

export function toTransaction(t: LedgerTransactionView): Transaction {
  return {
    id: t.id,
    accountId: t.accountId,
    patientId: t.patientId,
    type: t.type,
    amount: t.amount,
    currency: t.currency,
    description: t.description,
    serviceDate: t.serviceDate || null,
    createdAt: t.createdAt,
    createdBy: t.createdBy,
    balanceAfter: t.balanceAfter,
  };
}

export async function getBillingAccount(
  ports: BillingPorts,
  ctx: RequestContext,
  id: string | undefined,
): Promise<BillingAccount> {
  return audited(
    ports,
    ctx,
    'READ',
    id,
    async () => {
      const patient = await visiblePatient(ports, ctx, 'READ', id);
      const account = patient.billingStatus === 'ACTIVE' ? await ports.ledger.account(patient.id) : undefined;
      const result: BillingAccount = account
        ? {
            accountId: account.accountId,
            patientId: patient.id,
            status: 'ACTIVE',
            currency: account.currency,
            balance: account.balance,
            totalCharged: account.totalCharged,
            totalPaid: account.totalPaid,
            totalRefunded: account.totalRefunded,
            updatedAt: account.updatedAt,
          }
        : {
            accountId: null,
            patientId: patient.id,
            status: 'PENDING',
            currency: ports.currency,
            balance: 0,
            totalCharged: 0,
            totalPaid: 0,
            totalRefunded: 0,
            updatedAt: patient.createdAt,
          };
      return { result, patientId: patient.id };
    },
    'BILLING',
  );
}

export interface PageQuery {
  limit?: string;
  cursor?: string;
}

export async function listTransactions(
  ports: BillingPorts,
  ctx: RequestContext,
  id: string | undefined,
  query: PageQuery,
): Promise<TransactionPage> {
  return audited(
    ports,
    ctx,
    'LIST',
    id,
    async () => {
      const patient = await visiblePatient(ports, ctx, 'LIST', id);
      let limit = DEFAULT_LIMIT;
      if (query.limit !== undefined) {
        if (!/^\d{1,3}$/.test(query.limit) || Number(query.limit) < 1 || Number(query.limit) > MAX_LIMIT)
          throw invalidField('limit', `Must be an integer from 1 to ${MAX_LIMIT}`);
        limit = Number(query.limit);
      }
      if (query.cursor !== undefined && query.cursor.length === 0) throw invalidField('cursor', 'Must not be empty');
      if (patient.billingStatus !== 'ACTIVE') {
        if (query.cursor !== undefined) throw invalidField('cursor', 'Not a cursor this API issued for this account');
        return { result: { transactions: [], nextCursor: null }, patientId: patient.id };
      }
      const page = await ports.ledger.page(patient.id, limit, query.cursor);
      return {
        result: { transactions: page.transactions.map(toTransaction), nextCursor: page.nextCursor },
        patientId: patient.id,
      };
    },
    'BILLING',
  );
}

export async function getTransaction(
  ports: BillingPorts,
  ctx: RequestContext,
  id: string | undefined,
  transactionId: string | undefined,
): Promise<Transaction> {
  return audited(
    ports,
    ctx,
    'READ',
    id,
    async () => {
      const patient = await visiblePatient(ports, ctx, 'READ', id);
      const found =
        patient.billingStatus === 'ACTIVE' && isPatientId(transactionId)
          ? await ports.ledger.transaction(patient.id, transactionId)
          : undefined;
      if (!found) throw new LedgerError('TRANSACTION_NOT_FOUND', 'No such transaction');
      return { result: toTransaction(found), patientId: patient.id };
    },
    'BILLING',
  );
}

export interface RecordTransactionRequest {
  /** Reads and validates the body; called only once the role may record (so a patient gets 403, not 400). */
  input: () => TransactionInput;
  /** Reads and checks the Idempotency-Key header (required). */
  idempotencyKey: () => string;
}

export async function recordTransaction(
  ports: BillingPorts,
  ctx: RequestContext,
  id: string | undefined,
  request: RecordTransactionRequest,
): Promise<{ transaction: Transaction; replayed: boolean }> {
  return audited(
    ports,
    ctx,
    'CREATE',
    id,
    async () => {
      if (!mayPerform(ctx.caller.role, 'CREATE')) throw forbidden();
      const idempotencyKey = request.idempotencyKey();
      const input = request.input();
      const patient = await visiblePatient(ports, ctx, 'CREATE', id);
      if (patient.billingStatus !== 'ACTIVE')
        throw new LedgerError('ACCOUNT_PENDING', 'The billing account is not open yet; retry shortly');
      const recorded = await ports.ledger.record({
        type: input.type,
        amount: input.amount,
        description: input.description,
        currency: input.currency ?? undefined,
        serviceDate: input.serviceDate ?? undefined,
        patientId: patient.id,
        idempotencyKey,
        createdBy: ctx.caller.userId,
      });
      return {
        result: { transaction: toTransaction(recorded), replayed: recorded.replayed },
        outcome: recorded.replayed ? 'REPLAYED' : 'SUCCESS',
        patientId: patient.id,
      };
    },
    'BILLING',
  );
}
