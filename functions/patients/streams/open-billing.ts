/**
 * The second reader of the patients table's change stream: opens the billing account of every patient
 * that create left PENDING (billing was unreachable), without anyone asking. Billing still down → the
 * batch reports the first patient it could not bill, and the stream resumes there; CreateBillingAccount
 * is idempotent per patient, so the retries never open a second account. When the time left could not
 * cover one more patient (billing slow, a long batch), it stops the same way: the rest is the next
 * invocation's, rather than a timeout that would redo the whole batch. A patient billing refuses outright is
 * logged and passed over, never retried in front of the others.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { BILLING_CALL_DEFAULTS, isRefusedByBilling, preloadBillingClient } from '../../commons/clients/billing';
import { logger } from '../../commons/logger';
// Direct imports, not the context's index: that would bring the patient schemas (zod) into this bundle.
import { completePendingBilling } from '../use-cases/complete-pending-billing';
import { billingCompletionPorts } from '../ports-from-env';
import { changeOf, needsBilling } from './patient-events';

// Every record it acts on calls billing: its client loads in the init phase, not in the first invocation.
preloadBillingClient();

/** One patient's worst case: the billing call's whole budget, then the patient's update. */
export const TIME_PER_PATIENT_MS = BILLING_CALL_DEFAULTS.budgetMs + 1500;

export async function handler(
  event: DynamoDBStreamEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<DynamoDBBatchResponse> {
  const billed = new Set<string>();
  for (const record of event.Records) {
    const change = changeOf(record);
    if (!change || !needsBilling(change) || billed.has(change.newImage!.id)) continue;
    const patientId = change.newImage!.id;
    if (context && context.getRemainingTimeInMillis() < TIME_PER_PATIENT_MS) {
      logger.info('Too little time left for another patient; the stream resumes from this record', {
        patientsBilled: billed.size,
      });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
    billed.add(patientId);
    try {
      const outcome = await completePendingBilling(patientId, billingCompletionPorts());
      logger.info('Pending billing completed', { patientId, outcome });
    } catch (error) {
      if (isRefusedByBilling(error)) {
        // Refused however often it is asked: the patient stays PENDING, and the patients after it must not wait.
        logger.error('Billing refused to open the account; the patient stays PENDING', { patientId });
        continue;
      }
      logger.warn('Billing still unreachable; the stream will retry from this record', {
        patientId,
        errorName: (error as Error)?.name,
      });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}
