/** BillingPort over the billing service's gRPC client (CreateBillingAccount, idempotent per patient, with a deadline). */
import type { BillingClient } from '../../commons/clients/billing';
import type { BillingPort } from '../ports';

/** The part of the shared billing client (functions/commons/clients/billing.ts) this port uses. */
export type BillingAccountClient = Pick<BillingClient, 'createBillingAccount'>;

export class GrpcBillingPort implements BillingPort {
  constructor(private readonly client: BillingAccountClient) {}

  async openAccount(request: { patientId: string; name: string; email: string }): Promise<{ accountId: string }> {
    const { accountId } = await this.client.createBillingAccount(request);
    if (!accountId) throw new Error('Billing answered without an account id');
    return { accountId };
  }
}
