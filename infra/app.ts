/**
 * Builds the whole deployment: stacks split by lifecycle, cdk-nag's AwsSolutions and HIPAA Security
 * packs on every synth. Shared by infra/bin/app.ts and the CDK tests.
 */
import { App, CfnOutput, type StackProps } from 'aws-cdk-lib';
import { loadConfig } from './config';
import type { Deployment } from './deployment';
import { acknowledgeFindings, addNagPacks } from './nag-acknowledgements';
import { ApiStack } from './stacks/api-stack';
import { BillingStack } from './stacks/billing-stack';
import { MessagingStack } from './stacks/messaging-stack';
import { NetworkStack } from './stacks/network-stack';
import { ObservabilityStack } from './stacks/observability-stack';
import { StatefulStack } from './stacks/stateful-stack';
import { WebStack } from './stacks/web-stack';

export type { Deployment } from './deployment';

export function buildApp(app: App, stackProps: StackProps = {}): Deployment {
  // Cross-stack references stay strong: a producer stack cannot drop an output a consumer still uses.
  if (app.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences') === undefined) {
    app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  }
  const config = loadConfig(app);
  const prefix = `Pms-${config.stage}`;
  const props = { ...stackProps, config };
  addNagPacks(app);

  const network = new NetworkStack(app, `${prefix}-Network`, props);
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, props);
  const messaging = new MessagingStack(app, `${prefix}-Messaging`, {
    ...props,
    vpc: network.vpc,
    functionsSecurityGroup: network.functionsSecurityGroup,
    key: stateful.key,
  });
  // Billing on Fargate, unless the profile names a billing server running elsewhere.
  const billing = config.externalBillingAddress
    ? undefined
    : new BillingStack(app, `${prefix}-Billing`, {
        ...props,
        vpc: network.vpc,
        functionsSecurityGroup: network.functionsSecurityGroup,
        table: stateful.tables['billing-accounts'],
        transactionsTable: stateful.tables['billing-transactions'],
        key: stateful.key,
        tlsIdentity: stateful.billingTls!.secret,
        tlsAuthority: stateful.billingTls!.authorityCertificate,
      });
  const api = new ApiStack(app, `${prefix}-Api`, {
    ...props,
    key: stateful.key,
    tables: stateful.tables,
    signingKeys: stateful.signingKeys,
    publicJwks: stateful.publicJwks,
    cursorKey: stateful.cursorKey,
    vpc: network.vpc,
    functionsSecurityGroup: network.functionsSecurityGroup,
    billingAddress: billing?.address ?? config.externalBillingAddress!,
    billingTlsAuthority: stateful.billingTls?.authorityCertificate,
    kafka: messaging.kafka,
  });
  const observability = new ObservabilityStack(app, `${prefix}-Observability`, {
    ...props,
    api: api.api,
    functions: api.functions,
    securityLog: api.authLogGroup,
    tables: stateful.tables,
    billing: billing && {
      service: billing.service,
      clusterName: billing.cluster.clusterName,
      logGroup: billing.logGroup,
    },
  });

  const web = config.webDistribution ? new WebStack(app, `${prefix}-Web`, { ...props, api: api.api }) : undefined;

  new CfnOutput(api, 'ApiUrl', { value: api.api.url, description: 'Base URL of the API (stage prod)' });
  if (observability.dashboard) {
    new CfnOutput(observability, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${observability.region}#dashboards:name=${observability.dashboard.dashboardName}`,
    });
  }
  if (!config.kafkaEventSourceMapping) {
    new CfnOutput(api, 'AnalyticsConsumerFunction', {
      value: api.functions['analytics-consumer']!.functionName,
      description:
        'Fed from topics patient and billing by npm run localstack:sidecars (no Kafka event source mapping here)',
    });
  }
  if (billing) new CfnOutput(billing, 'BillingServiceName', { value: billing.service.serviceName });
  else {
    new CfnOutput(api, 'BillingAddress', {
      value: config.externalBillingAddress!,
      description: 'The billing server the functions call (runs outside this deployment)',
    });
    new CfnOutput(stateful, 'BillingAccountsTable', {
      value: stateful.tables['billing-accounts'].tableName,
      description: 'Table for the billing server run outside (BILLING_ACCOUNTS_TABLE)',
    });
    new CfnOutput(stateful, 'BillingTransactionsTable', {
      value: stateful.tables['billing-transactions'].tableName,
      description: 'Ledger table for the billing server run outside (BILLING_TRANSACTIONS_TABLE)',
    });
  }

  const deployment = { config, network, stateful, messaging, billing, api, observability, web };
  acknowledgeFindings(deployment);
  return deployment;
}
