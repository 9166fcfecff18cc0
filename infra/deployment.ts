/** Every stack of one deployment, as infra/app.ts builds them (what cdk-nag's acknowledgements and the tests look at). */
import type { DeploymentConfig } from './config';
import type { ApiStack } from './stacks/api-stack';
import type { BillingStack } from './stacks/billing-stack';
import type { MessagingStack } from './stacks/messaging-stack';
import type { NetworkStack } from './stacks/network-stack';
import type { ObservabilityStack } from './stacks/observability-stack';
import type { StatefulStack } from './stacks/stateful-stack';
import type { WebStack } from './stacks/web-stack';

export interface Deployment {
  config: DeploymentConfig;
  network: NetworkStack;
  stateful: StatefulStack;
  messaging: MessagingStack;
  /** Absent when billing runs elsewhere (LocalStack Hobby and Base). */
  billing?: BillingStack;
  api: ApiStack;
  observability: ObservabilityStack;
  /** Absent where the profile has no CloudFront (LocalStack). */
  web?: WebStack;
}
