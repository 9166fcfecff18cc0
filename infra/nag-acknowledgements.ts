/**
 * Every cdk-nag finding this deployment accepts, each with its reason. Anything not listed here fails
 * the synth (and test/infra/nag.test.ts).
 */
import { Validations } from 'aws-cdk-lib';
import type { Deployment } from './app';

export function acknowledgeFindings(_deployment: Deployment): void {
  void Validations;
}
