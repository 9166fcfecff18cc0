/**
 * Where a target runs no Lambda-backed custom resources, each deploy-time handler's call is a stack output
 * (`Provision<logical id>`, written by infra/constructs/deploy-time-resource.ts) that
 * `npm run deploy:localstack` makes itself. Plain data: the deploy script reads it without aws-cdk-lib.
 */
export const PROVISION_OUTPUT_PREFIX = 'Provision';

/** What a `Provision<id>` output holds (JSON): enough to call the handler as CloudFormation would. */
export interface ProvisioningCall {
  /** The handler's module, from the project root. */
  entry: string;
  /** Its exported handler. */
  handler: string;
  /** The custom resource's properties. */
  properties: Record<string, string>;
  /** What the handler reads from its environment. */
  environment: Record<string, string>;
}
