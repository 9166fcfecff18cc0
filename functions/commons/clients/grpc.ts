/**
 * grpc-js (~270 KB of a bundle) and how to dial billing, run on first use rather than when a function loads:
 * in most functions only some routes call billing. Those whose every request does preload it
 * (preloadBillingClient in ./billing.ts), so the cost stays in the init phase.
 */
import type * as Grpc from '@grpc/grpc-js';
import type { billingChannel } from '../../../system/billing-channel';

export interface GrpcModules {
  grpc: typeof Grpc;
  billingChannel: typeof billingChannel;
}

let loaded: GrpcModules | undefined;

export function grpcModules(): GrpcModules {
  /* eslint-disable @typescript-eslint/no-require-imports -- deferred on purpose, see above */
  loaded ??= {
    grpc: require('@grpc/grpc-js') as typeof Grpc,
    billingChannel: (require('../../../system/billing-channel') as GrpcModules).billingChannel,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}
