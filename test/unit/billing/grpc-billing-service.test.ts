/**
 * The gRPC adapter's mapping from outcomes to statuses, with a repository that fails on purpose
 * (the happy paths run against DynamoDB Local in test/integration/billing).
 */
import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { billingService } from '../../../billing/src/adapters/grpc-billing-service';
import type { AccountRepository } from '../../../billing/src/domain/account-repository';
import { logger } from '../../../billing/src/logger';

logger.setLogLevel('SILENT');

function failingWith(name: string, extra: object = {}): AccountRepository {
  const error = Object.assign(new Error(`storage said no about Ada Lovelace <ada@example.test>`), { name, ...extra });
  return { openOnce: () => Promise.reject(error), findByPatientId: () => Promise.reject(error) };
}

function call<Req, Res>(
  handler: (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void,
  request: Req,
) {
  return new Promise<{ error: { code?: number; details?: string } | null; response?: Res | null }>((resolve) => {
    handler({ request } as ServerUnaryCall<Req, Res>, (error, response) =>
      resolve({ error: error as never, response }),
    );
  });
}

const request = { patientId: 'p-1', name: 'Ada Lovelace', email: 'ada@example.test' };

it.each([
  ['ThrottlingException', status.UNAVAILABLE],
  ['ProvisionedThroughputExceededException', status.UNAVAILABLE],
  ['TimeoutError', status.UNAVAILABLE],
  ['ValidationException', status.INTERNAL],
  ['TypeError', status.INTERNAL],
])('maps a storage %s to %s, with a message free of personal data', async (name, code) => {
  const { error } = await call(billingService(failingWith(name)).createBillingAccount, request);
  expect(error?.code).toBe(code);
  expect(error?.details).not.toMatch(/Ada|ada@/);
});

it('maps a network error code (ECONNREFUSED) to UNAVAILABLE', async () => {
  const { error } = await call(
    billingService(failingWith('Error', { code: 'ECONNREFUSED' })).createBillingAccount,
    request,
  );
  expect(error?.code).toBe(status.UNAVAILABLE);
});

it('answers INVALID_ARGUMENT before touching storage', async () => {
  let touched = false;
  const repository: AccountRepository = {
    openOnce: async (account) => {
      touched = true;
      return { account, created: true };
    },
    findByPatientId: async () => {
      touched = true;
      return undefined;
    },
  };
  const { error } = await call(billingService(repository).createBillingAccount, { ...request, patientId: '' });
  expect(error?.code).toBe(status.INVALID_ARGUMENT);
  expect(touched).toBe(false);
});
