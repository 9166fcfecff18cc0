/** A promise-returning CreateBillingAccount over the generated grpc-js client. */
import { credentials, Metadata } from '@grpc/grpc-js';
import { BillingServiceClient } from '../../proto/gen/billing_service';

export interface BillingCaller {
  create(request: { patientId: string; name: string; email: string }): Promise<{ accountId: string; status: string }>;
  close(): void;
}

export function billingCaller(address: string): BillingCaller {
  const client = new BillingServiceClient(address, credentials.createInsecure());
  return {
    create: (request) =>
      new Promise((resolve, reject) => {
        client.createBillingAccount(request, new Metadata(), { deadline: Date.now() + 5000 }, (error, response) =>
          error ? reject(error) : resolve({ accountId: response.accountId, status: response.status }),
        );
      }),
    close: () => client.close(),
  };
}
