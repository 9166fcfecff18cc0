/**
 * Every named schema of the OpenAPI document: each context exports the zod schemas it validates with,
 * and this registry names them as system/routes.ts refers to them.
 */
import * as z from '../commons/zod';
import {
  Jwks,
  LoginRequest,
  ManagedUser,
  PasswordChangeRequest,
  RefreshRequest,
  SessionList,
  SignupRequest,
  TokenInfo,
  TokenPair,
  User,
  UserPage,
  UserPatch,
  VerificationCodeRequest,
  VerifyEmailRequest,
} from '../auth/schemas';
import { AuditEntry, AuditPage, Patient, PatientHistory, PatientInput, PatientPage } from '../patients/schemas';
import { Analytics } from '../analytics/schemas';
import { CapabilityStatement, FhirBundle, FhirPatient, OperationOutcome } from '../patients/fhir/schemas';
import { BillingAccount, Transaction, TransactionInput, TransactionPage } from '../billing/schemas';

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  components: z.record(z.string(), z.object({ status: z.enum(['up', 'down']), reason: z.optional(z.string()) })),
});

export const schemaRegistry: Record<string, z.ZodMiniType> = {
  Health,
  SignupRequest,
  LoginRequest,
  PasswordChangeRequest,
  RefreshRequest,
  User,
  TokenPair,
  TokenInfo,
  Jwks,
  VerifyEmailRequest,
  VerificationCodeRequest,
  ManagedUser,
  UserPage,
  UserPatch,
  SessionList,
  PatientInput,
  Patient,
  PatientPage,
  PatientHistory,
  AuditEntry,
  AuditPage,
  BillingAccount,
  TransactionInput,
  Transaction,
  TransactionPage,
  Analytics,
  FhirPatient,
  FhirBundle,
  OperationOutcome,
  CapabilityStatement,
};
