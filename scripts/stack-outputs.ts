/** The stack outputs `cdk deploy --outputs-file` writes ({ stack: { output: value } }), for the deploy, sidecar and smoke scripts. */
import { existsSync, readFileSync } from 'node:fs';

export type StackOutputs = Record<string, Record<string, string>>;

export const readStackOutputs = (file: string): StackOutputs =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StackOutputs) : {};

/** An output's value, from whichever stack has it. */
export const outputValue = (outputs: StackOutputs, name: string): string | undefined =>
  Object.values(outputs)
    .map((stack) => stack[name])
    .find((value) => value !== undefined);
