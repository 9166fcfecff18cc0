/**
 * Every named schema of the OpenAPI document: each context exports the zod schemas it validates with,
 * and this registry names them as infra/definitions/routes.ts refers to them.
 */
import { z } from 'zod';
import {
  Jwks, LoginRequest, PasswordChangeRequest, RefreshRequest, SignupRequest, TokenInfo, TokenPair, User, VerificationCodeRequest, VerifyEmailRequest,
} from '../auth/schemas';
import { Patient, PatientInput, PatientPage } from '../patients/schemas';
import { Analytics } from '../analytics/schemas';
import { BillingAccount, Transaction, TransactionInput, TransactionPage } from '../billing/schemas';

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  components: z.record(z.string(), z.object({ status: z.enum(['up', 'down']), reason: z.string().optional() })),
});

export const schemaRegistry: Record<string, z.ZodType> = {
  Health,
  SignupRequest, LoginRequest, PasswordChangeRequest, RefreshRequest, User, TokenPair, TokenInfo, Jwks, VerifyEmailRequest, VerificationCodeRequest,
  PatientInput, Patient, PatientPage,
  BillingAccount, TransactionInput, Transaction, TransactionPage,
  Analytics,
};
