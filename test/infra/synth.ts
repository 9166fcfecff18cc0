/**
 * Synthesizes the whole deployment for CDK assertion tests (bundling skipped, one synth per profile and
 * context per test file), and reads resources out of its templates.
 */
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type Deployment } from '../../infra/app';
import type { Profile } from '../../infra/config';
import { functions } from '../../system/functions';

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
export type StackKey = keyof Omit<Deployment, 'config'>;
export interface Synthesized {
  deployment: Deployment;
  templates: Partial<Record<StackKey, Template>>;
}

export const PROFILES: Profile[] = ['aws', 'localstack-hobby', 'localstack-base', 'localstack-ultimate'];
const STACKS: StackKey[] = ['network', 'stateful', 'messaging', 'billing', 'api', 'observability', 'web'];
const cache = new Map<string, Synthesized>();

/** Synthesizes the app for a profile (and extra context); app.synth() throws on any unacknowledged cdk-nag finding. */
export function synthesize(profile: Profile, context: Record<string, string> = {}): Synthesized {
  const key = JSON.stringify([profile, context]);
  if (!cache.has(key)) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], profile, ...context } });
    const deployment = buildApp(app);
    app.synth();
    const templates: Synthesized['templates'] = {};
    for (const stack of STACKS)
      if (deployment[stack]) templates[stack] = Template.fromStack(deployment[stack] as Stack);
    cache.set(key, { deployment, templates });
  }
  return cache.get(key)!;
}

export const resourcesOf = (t: Template | undefined, type: string) => (t?.findResources(type) ?? {}) as Resources;
export const allResources = (s: Synthesized, type: string) =>
  Object.values(s.templates).flatMap((t) => Object.values(resourcesOf(t, type)));
export const logicalId = (name: string) => `Fn${name.replace(/-/g, '')}Function`;
/** The deployed functions of the definitions, by name, from the API stack. */
export function deployedFunctions(s: Synthesized): Record<string, Resources[string]> {
  const found = resourcesOf(s.templates.api, 'AWS::Lambda::Function');
  const byName: Record<string, Resources[string]> = {};
  for (const def of Object.values(functions)) {
    const entry = Object.entries(found).find(([id]) => id.startsWith(logicalId(def.name)));
    if (entry) byName[def.name] = entry[1];
  }
  return byName;
}
export const environmentOf = (fn: Resources[string]) =>
  (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

/** One test per setting: building the app with that context fails with a message that names the problem. */
export function itRefuses(cases: [Record<string, string>, RegExp][]): void {
  it.each(cases)('refuses %j with a clear message', (context, message) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
    expect(() => buildApp(app)).toThrow(message);
  });
}
