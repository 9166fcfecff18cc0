/**
 * What CloudFormation's custom resources do, done from the deploy script where the target runs none
 * (LocalStack's Hobby plan): each `Provision<id>` output names a handler module of the project and its
 * properties; this calls that very handler with the event CloudFormation would send (Create the first
 * time, then Update with the properties applied before), against whatever AWS_ENDPOINT_URL points at.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { PROVISION_OUTPUT_PREFIX, type ProvisioningCall } from '../system/provisioning';
import type { StackOutputs } from './stack-outputs';

export interface Provisioning {
  stack: string;
  id: string;
  call: ProvisioningCall;
}
/** What was applied, by `<stack>/<id>`: the next deploy sends Update events from it. */
export type ProvisionedState = Record<string, { properties: Record<string, string>; physicalResourceId: string }>;
type Handler = (event: CloudFormationCustomResourceEvent) => Promise<{ PhysicalResourceId?: string } | undefined>;

export function provisioningCalls(outputs: StackOutputs): Provisioning[] {
  return Object.entries(outputs).flatMap(([stack, values]) =>
    Object.entries(values)
      .filter(([name]) => name.startsWith(PROVISION_OUTPUT_PREFIX))
      .map(([name, value]) => ({
        stack,
        id: name.slice(PROVISION_OUTPUT_PREFIX.length),
        call: JSON.parse(value) as ProvisioningCall,
      })),
  );
}

export interface ProvisionOptions {
  /** Where the handlers' modules are found (the project root). */
  root: string;
  region: string;
  state: ProvisionedState;
  log?: (line: string) => void;
}

/** Calls each handler in turn; returns the state to keep. The handlers' environment is set before any is loaded. */
export async function provision(calls: Provisioning[], options: ProvisionOptions): Promise<ProvisionedState> {
  const state = { ...options.state };
  for (const { call } of calls) Object.assign(process.env, call.environment);
  for (const { stack, id, call } of calls) {
    const key = `${stack}/${id}`;
    const before = state[key];
    const ServiceToken = 'npm run deploy:localstack';
    const common = {
      ServiceToken,
      ResponseURL: 'http://localhost/unused',
      RequestId: randomUUID(),
      LogicalResourceId: id,
      StackId: `arn:aws:cloudformation:${options.region}:000000000000:stack/${stack}/local`,
      ResourceType: 'AWS::CloudFormation::CustomResource',
      ResourceProperties: { ServiceToken, ...call.properties },
    };
    const event: CloudFormationCustomResourceEvent = before
      ? {
          ...common,
          RequestType: 'Update',
          PhysicalResourceId: before.physicalResourceId,
          OldResourceProperties: { ServiceToken, ...before.properties },
        }
      : { ...common, RequestType: 'Create' };
    const module = (await import(resolve(options.root, call.entry))) as Record<string, Handler>;
    const result = await module[call.handler]!(event);
    state[key] = {
      properties: call.properties,
      physicalResourceId: result?.PhysicalResourceId ?? before?.physicalResourceId ?? key,
    };
    options.log?.(`  ✓ ${id} (${event.RequestType.toLowerCase()}: ${call.entry})`);
  }
  return state;
}
