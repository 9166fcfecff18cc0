/**
 * POST /api/patients: stores the patient (PENDING billing) with its email claim in one transaction,
 * then opens the billing account within the billing deadline. When billing fails the patient is still
 * created (201, PENDING); completePendingBilling finishes it later. An Idempotency-Key replays the first
 * result for the same body and refuses another body.
 */
import { logger } from '../../commons/logger';
import { retry } from '../../commons/retry';
import { mayPerform } from '../domain/access';
import { forbidden, PatientError } from '../domain/errors';
import { fingerprintOf, isDeleted, newPatient, toPublic, type PatientRecord } from '../domain/patient';
import type { PatientPorts, RequestContext } from '../ports';
import type { Patient, PatientInput } from '../schemas';
import { audited } from './audited';
import { openBillingAccount } from './complete-pending-billing';

export interface CreateRequest {
  /** Reads and validates the body; called only once the role may create (so a patient gets 403, not 400). */
  input: () => PatientInput;
  /** The client's Idempotency-Key header. */
  idempotencyKey?: string;
}

export interface CreateResult {
  patient: Patient;
  /** True when an Idempotency-Key replayed an earlier result (nothing was created). */
  replayed: boolean;
}

export async function createPatient(
  ports: PatientPorts,
  ctx: RequestContext,
  request: CreateRequest,
): Promise<CreateResult> {
  return audited<CreateResult>(ports, ctx, 'CREATE', undefined, async () => {
    if (!mayPerform(ctx.caller.role, 'CREATE')) throw forbidden();
    const input = request.input();
    if (request.idempotencyKey === undefined) {
      const patient = await store(ports, input);
      return { result: { patient: toPublic(patient), replayed: false }, patientId: patient.id };
    }

    // Keys are scoped per caller: one user's key never replays another user's response.
    const key = `${ctx.caller.userId}\n${request.idempotencyKey}`;
    const claim = await claimOf(ports, key, fingerprintOf(input));
    if (claim.kind === 'mismatch')
      throw new PatientError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body');
    if (claim.kind === 'replay') {
      // A record deleted since is never served again, not even to the caller who created it.
      const current = await ports.patients.get(claim.patient.id);
      if (!current || isDeleted(current)) {
        throw new PatientError(
          'IDEMPOTENT_TARGET_DELETED',
          'The patient this Idempotency-Key created has since been deleted; use a new key to create it again',
        );
      }
      return {
        result: { patient: toPublic(claim.patient), replayed: true },
        outcome: 'REPLAYED',
        patientId: claim.patient.id,
      };
    }
    let patient: PatientRecord;
    try {
      patient = await store(ports, input);
    } catch (error) {
      await ports.idempotency.release(key);
      throw error;
    }
    await ports.idempotency.complete(key, patient);
    return { result: { patient: toPublic(patient), replayed: false }, patientId: patient.id };
  });
}

/**
 * The key's claim. While the first request with the key is still running (a create takes at most the billing
 * deadline), a second one waits for its answer and replays it, or takes the key over if it failed; only after
 * about 3 s does it answer 409 IDEMPOTENCY_IN_PROGRESS (retry shortly).
 */
async function claimOf(ports: PatientPorts, key: string, fingerprint: string) {
  return retry(
    async () => {
      const claim = await ports.idempotency.begin(key, fingerprint);
      if (claim.kind !== 'in-progress') return claim;
      throw new PatientError(
        'IDEMPOTENCY_IN_PROGRESS',
        'A request with this Idempotency-Key is still in progress; retry shortly',
      );
    },
    {
      attempts: 8, // 2.3-3.4 s of waiting: with the create itself, within the function's 10 s
      backoff: { baseMs: 50, capMs: 500, jitter: 'add-half' },
      retryable: (error) => error instanceof PatientError && error.kind === 'IDEMPOTENCY_IN_PROGRESS',
    },
  );
}

async function store(ports: PatientPorts, input: PatientInput): Promise<PatientRecord> {
  const patient = newPatient(input, ports.newId(), ports.clock.now());
  await ports.patients.create(patient);
  try {
    const accountId = await openBillingAccount(ports, patient);
    if (accountId) return { ...patient, billingStatus: 'ACTIVE', billingAccountId: accountId };
    // Pending billing recorded the account first: answer with what is stored.
    return (await ports.patients.get(patient.id)) ?? patient;
  } catch (error) {
    // The patient stays PENDING; the stream's pending-billing reader opens the account later.
    logger.warn('Billing account not opened yet', { patientId: patient.id, errorName: (error as Error)?.name });
  }
  return patient;
}
