/** BillingPort over the billing service's gRPC client (CreateBillingAccount, idempotent per patient, with a deadline). */
import type { BillingPort } from '../ports';

/** What the shared billing client offers (functions/commons/clients/billing.ts). */
export interface BillingAccountClient {
  createBillingAccount(request: { patientId: string; name: string; email: string }): Promise<{ accountId: string; status: string }>;
}

export class GrpcBillingPort implements BillingPort {
  constructor(private readonly client: () => BillingAccountClient) {}

  async openAccount(request: { patientId: string; name: string; email: string }): Promise<{ accountId: string }> {
    const { accountId } = await this.client().createBillingAccount(request);
    if (!accountId) throw new Error('Billing answered without an account id');
    return { accountId };
  }
}
