/**
 * The one way to read DynamoDB's refusals of a conditional write or a transaction. By error name rather than
 * `instanceof`, so an error from another copy of the SDK (a test's, a bundle's) reads the same.
 */
import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';

/** Why each item of a cancelled TransactWriteItems failed, in item order; undefined when `error` is no cancelled transaction. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if ((error as Error | undefined)?.name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

/** The item's condition was false (the reason at its index in a cancelled transaction). */
export const conditionFailed = (reason: CancellationReason | undefined): boolean =>
  reason?.Code === 'ConditionalCheckFailed';

/** A single conditional write (PutItem, UpdateItem, DeleteItem) whose condition was false; `Item` with ReturnValuesOnConditionCheckFailure. */
export const isConditionalCheckFailure = (error: unknown): error is Error & { Item?: Record<string, AttributeValue> } =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** A transaction cancelled only because another one was in flight on its items (no condition was false): worth another attempt. */
export function isTransactionConflict(error: unknown): boolean {
  const reasons = cancellationReasons(error);
  return (
    reasons !== undefined && !reasons.some(conditionFailed) && reasons.some((r) => r.Code === 'TransactionConflict')
  );
}

/** Sends a conditional write: true once written, false when its condition was false; any other error is thrown. */
export async function writtenIf(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}
