/**
 * The billing payloads of the API (contract v2 · Billing ledger): one zod schema per payload. The handler
 * validates with them and the OpenAPI registry publishes them under these names.
 */
import * as z from '../commons/zod';
import { isCalendarDate, todayUtc } from '../patients/schemas';

export const TRANSACTION_TYPES = ['CHARGE', 'PAYMENT', 'REFUND'] as const;
export const MAX_AMOUNT = 100_000_000;

const money = z.number().check(z.int(), z.meta({ description: 'Minor units (cents) of the currency' }));

/** TransactionInput with an injectable "today", so the service date's rule can be tested at its boundary. */
export function transactionInputSchema(today: () => string = todayUtc) {
  return z
    .strictObject({
      type: z.enum(TRANSACTION_TYPES, `Must be one of ${TRANSACTION_TYPES.join(', ')}`),
      amount: z
        .number('Must be an integer number of minor units')
        .check(
          z.int('Must be an integer number of minor units'),
          z.minimum(1, 'Must be at least 1'),
          z.maximum(MAX_AMOUNT, `Must be at most ${MAX_AMOUNT}`),
          z.meta({ description: `Minor units (cents), 1-${MAX_AMOUNT}` }),
        ),
      currency: z
        .nullish(z.string().check(z.regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 code (three capital letters)')))
        .check(
          z.meta({ description: "ISO 4217; must equal the account's currency (leave it out, or null, to use it)" }),
        ),
      description: z.string().check(
        z.trim(),
        z.minLength(1, 'Must be at least 1 character'),
        z.maxLength(200, 'Must be at most 200 characters'),
        // eslint-disable-next-line no-control-regex
        z.refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'Must not contain control characters'),
      ),
      serviceDate: z.nullish(
        z.string().check(
          z.refine(isCalendarDate, 'Must be a real calendar date (YYYY-MM-DD)'),
          z.refine((v) => !isCalendarDate(v) || v <= today(), 'Must not be in the future'),
          z.meta({
            format: 'date',
            description: 'YYYY-MM-DD: when the service was given; not in the future (UTC); null or left out: none',
          }),
        ),
      ),
    })
    .check(z.meta({ description: "A charge, payment or refund to record on a patient's billing account" }));
}

export const TransactionInput = transactionInputSchema();
export type TransactionInput = z.infer<typeof TransactionInput>;

export const BillingAccount = z
  .strictObject({
    accountId: z.nullable(z.uuid()),
    patientId: z.uuid(),
    status: z.enum(['ACTIVE', 'PENDING']),
    currency: z.string(),
    balance: money.check(
      z.meta({ description: 'totalCharged − totalPaid + totalRefunded (positive: the patient owes)' }),
    ),
    totalCharged: money,
    totalPaid: money,
    totalRefunded: money,
    updatedAt: z.iso.datetime(),
  })
  .check(
    z.meta({ description: "A patient's billing account; every figure is 0 while it is PENDING (not opened yet)" }),
  );
export type BillingAccount = z.infer<typeof BillingAccount>;

export const Transaction = z
  .strictObject({
    id: z.uuid(),
    accountId: z.uuid(),
    patientId: z.uuid(),
    type: z.enum(TRANSACTION_TYPES),
    amount: money,
    currency: z.string(),
    description: z.string(),
    serviceDate: z.nullable(z.iso.date()),
    createdAt: z.iso.datetime(),
    createdBy: z.string().check(z.meta({ description: 'The user id of whoever recorded it' })),
    balanceAfter: money.check(z.meta({ description: "The account's balance right after this transaction" })),
  })
  .check(z.meta({ description: "One entry of a billing account's ledger; never changed once recorded" }));
export type Transaction = z.infer<typeof Transaction>;

export const TransactionPage = z
  .strictObject({
    transactions: z.array(Transaction),
    nextCursor: z.nullable(z.string()),
  })
  .check(
    z.meta({
      description: 'One page of transactions, newest first; pass nextCursor back as `cursor` (null on the last page)',
    }),
  );
export type TransactionPage = z.infer<typeof TransactionPage>;
