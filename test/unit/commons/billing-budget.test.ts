/**
 * The billing client's time budget against the functions that call billing: a whole call (every attempt and
 * backoff) must end well before the calling function's timeout, leaving it time for its own DynamoDB work.
 */
import { BILLING_CALL_DEFAULTS } from '../../../functions/commons/clients/billing';
import { DEFAULT_TIMEOUT_SECONDS, runtimeFunctions } from '../../../system/functions';

it('gives each attempt at most the whole budget', () => {
  expect(BILLING_CALL_DEFAULTS.deadlineMs).toBeLessThanOrEqual(BILLING_CALL_DEFAULTS.budgetMs);
});

it.each(runtimeFunctions().filter((f) => f.settings?.includes('billing')))(
  '$name: a billing call takes at most a third of its timeout',
  (definition) => {
    const timeoutMs = (definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    expect(BILLING_CALL_DEFAULTS.budgetMs * 3).toBeLessThanOrEqual(timeoutMs);
  },
);
