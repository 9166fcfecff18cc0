/**
 * The whole deployment synthesized into a temporary cloud assembly (bundling skipped; cdk-nag runs and
 * throws on any unacknowledged finding), with helpers to follow references across its templates the way
 * CloudFormation resolves them (Ref, Fn::GetAtt, and Fn::ImportValue through the producing stack's export).
 */
import { App } from 'aws-cdk-lib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type Deployment } from '../../infra/app';

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
}
export interface CfnTemplate {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
  [section: string]: unknown;
}
export interface Located {
  stack: string;
  id: string;
  resource: Resource;
}

export interface Synthesized {
  deployment: Deployment;
  outdir: string;
  /** Templates by stack name. */
  templates: Record<string, CfnTemplate>;
}

const dirs: string[] = [];
const cache = new Map<string, Synthesized>();

export function synthesize(context: Record<string, string>): Synthesized {
  const key = JSON.stringify(context);
  if (!cache.has(key)) {
    const outdir = mkdtempSync(join(tmpdir(), 'pms-synth-'));
    dirs.push(outdir);
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } });
    const deployment = buildApp(app);
    const assembly = app.synth();
    const templates = Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as CfnTemplate]));
    cache.set(key, { deployment, outdir, templates });
  }
  return cache.get(key)!;
}

export function removeSynthesized(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  cache.clear();
}

export function resources(s: Synthesized, type: string): Located[] {
  return Object.entries(s.templates).flatMap(([stack, t]) =>
    Object.entries(t.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, resource]) => ({ stack, id, resource })),
  );
}

/** The resource a value in `stack` refers to, or undefined when it names none (a literal, a pseudo parameter). */
export function referenced(s: Synthesized, stack: string, value: unknown): Located | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const id =
    typeof v.Ref === 'string' ? v.Ref : Array.isArray(v['Fn::GetAtt']) ? (v['Fn::GetAtt'][0] as string) : undefined;
  if (id !== undefined) {
    const resource = s.templates[stack]!.Resources[id];
    return resource ? { stack, id, resource } : undefined;
  }
  if (typeof v['Fn::ImportValue'] === 'string') {
    for (const [producer, t] of Object.entries(s.templates)) {
      const output = Object.values(t.Outputs ?? {}).find((o) => o.Export?.Name === v['Fn::ImportValue']);
      if (output) return referenced(s, producer, output.Value);
    }
  }
  return undefined;
}

/** Every object key anywhere in a JSON value. */
export function keysIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      found.add(k);
      keysIn(v, found);
    }
  }
  return found;
}
