/** The ports of the billing routes' use cases; adapters (gRPC, DynamoDB) implement them. */
import type { AuditLog, Clock, PatientRepository, RequestContext } from '../patients/ports';
import type { TransactionReply } from '../commons/clients/billing';
import type { LedgerErrorKind } from './domain/errors';

export type TransactionType = 'CHARGE' | 'PAYMENT' | 'REFUND';

export interface LedgerAccountView {
  accountId: string;
  currency: string;
  balance: number;
  totalCharged: number;
  totalPaid: number;
  totalRefunded: number;
  updatedAt: string;
}

/** A transaction as billing answers it (proto/billing_service.proto: Transaction; serviceDate empty when none). */
export type LedgerTransactionView = Omit<TransactionReply, 'type'> & { type: TransactionType };

export interface RecordRequest {
  patientId: string;
  idempotencyKey: string;
  type: TransactionType;
  amount: number;
  currency?: string;
  description: string;
  serviceDate?: string;
  createdBy: string;
}

/**
 * The billing service's ledger. Every method rejects with a LedgerError (of the kinds below) for what the
 * service refused, and with anything else for what it could not do.
 */
export interface LedgerPort {
  /** Undefined when the patient has no account yet. */
  account(patientId: string): Promise<LedgerAccountView | undefined>;
  record(request: RecordRequest): Promise<LedgerTransactionView>;
  /** Undefined when the account has no such transaction. */
  transaction(patientId: string, transactionId: string): Promise<LedgerTransactionView | undefined>;
  page(
    patientId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ transactions: LedgerTransactionView[]; nextCursor: string | null }>;
}

export type { LedgerErrorKind };

export interface BillingPorts {
  patients: Pick<PatientRepository, 'get'>;
  ledger: LedgerPort;
  /** Appends only (access mode APPEND on table audit): the billing routes never read the trail back. */
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  /** The deployment's currency: what a PENDING account reports. */
  currency: string;
}

export type { RequestContext };
