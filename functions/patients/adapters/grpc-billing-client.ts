/**
 * Interim gRPC client for CreateBillingAccount (BILLING_ADDRESS, 2 s deadline), until the shared
 * functions/commons/clients/billing.ts lands; it offers the same interface.
 */
import { credentials, Metadata, status } from '@grpc/grpc-js';
import { BillingServiceClient } from '../../../proto/gen/billing_service';
import type { BillingAccountClient } from './billing-port';

const DEADLINE_MS = 2000;
let client: BillingServiceClient | undefined;

export function interimBillingClient(): BillingAccountClient {
  return {
    createBillingAccount(request) {
      const address = process.env.BILLING_ADDRESS;
      if (!address) return Promise.reject(new Error('BILLING_ADDRESS is not set'));
      client ??= new BillingServiceClient(address, credentials.createInsecure());
      return new Promise((resolve, reject) => {
        client!.createBillingAccount(request, new Metadata(), { deadline: Date.now() + DEADLINE_MS }, (error, response) => {
          if (error) {
            // A channel that saw the server down backs off before reconnecting; start afresh next time instead.
            if (error.code === status.UNAVAILABLE) { client?.close(); client = undefined; }
            reject(error);
          }
          else resolve({ accountId: response.accountId, status: response.status });
        });
      });
    },
  };
}
