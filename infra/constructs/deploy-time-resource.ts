/**
 * Work done once per deploy by one of the project's provisioning handlers (signing keys, the Kafka
 * topic, the first admin, billing's certificate). Where the target runs Lambda-backed custom resources,
 * it is one: a ServiceFunction behind the Provider framework. Where it does not (LocalStack's Hobby
 * plan), the stack outputs what the call needs (`Provision<id>`: the handler's module, its properties
 * and environment) and `npm run deploy:localstack` calls the same handler with a CloudFormation event.
 */
import { CfnOutput, CustomResource, Stack } from 'aws-cdk-lib';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { PROVISION_OUTPUT_PREFIX, type ProvisioningCall } from '../../system/provisioning';
import { ServiceFunction, type ServiceFunctionProps } from './service-function';

export interface DeployTimeResourceProps extends Omit<ServiceFunctionProps, 'environment'> {
  /** Run as a custom resource (else: outputs for the deploy script). */
  customResource: boolean;
  /**
   * Construct ids, in the stack, of the handler's function and of its Provider. Fixed: an update that moves
   * a custom resource to another provider (a new service token) is refused by CloudFormation.
   */
  ids: { handler: string; provider: string };
  properties: Record<string, string>;
  /** What the handler reads from its environment, besides the properties. */
  environment?: Record<string, string>;
  /** Grants the handler's function what it touches (custom resource only; not called when an earlier resource made the handler). */
  grant?: (fn: ServiceFunction) => void;
}

export class DeployTimeResource extends Construct {
  /** Absent where the deploy script does the work. */
  readonly resource?: CustomResource;

  constructor(scope: Construct, id: string, props: DeployTimeResourceProps) {
    super(scope, id);
    const { customResource, ids, definition, properties, environment = {}, grant, ...functionProps } = props;
    if (!customResource) {
      const call: ProvisioningCall = { entry: definition.entry, handler: definition.handler, properties, environment };
      new CfnOutput(Stack.of(this), `${PROVISION_OUTPUT_PREFIX}${id}`, {
        value: Stack.of(this).toJsonString(call),
        description: `Done by npm run deploy:localstack: this target runs no custom resources (${definition.description})`,
      });
      return;
    }
    const stack = Stack.of(this);
    // Another resource of the same handler (a second topic) shares its function and Provider: one service token.
    const shared = stack.node.tryFindChild(ids.provider);
    let provider: Provider;
    if (shared instanceof Provider) provider = shared;
    else {
      const handler = new ServiceFunction(stack, ids.handler, { ...functionProps, environment, definition });
      grant?.(handler);
      provider = new Provider(stack, ids.provider, { onEventHandler: handler.fn });
    }
    // 'Default': the resource keeps the logical id it had before this construct (the construct's id).
    this.resource = new CustomResource(this, 'Default', { serviceToken: provider.serviceToken, properties });
  }
}
