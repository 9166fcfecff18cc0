/** One operation of the model: what it is part of, how often it runs at a load, and what it costs (measured). */
import type { FunctionName } from '../../system/functions';
import type { Profile } from './profile';
import type { Load } from './workload';

/** The Lambda function an operation runs in, and for how long (billed milliseconds, an assumption). */
export interface LambdaUse {
  fn: FunctionName;
  ms: number;
}

export interface Operation {
  name: string;
  /** What it is part of, for the cost estimate. */
  component: 'patients' | 'audit' | 'auth' | 'billing' | 'analytics';
  /** Operations per second at a load. */
  rate(load: Load): number;
  /** Its measured profile at a load (only analytics batches depend on it: fuller batches at higher rates). */
  profile(load: Load): Profile;
  /** An API request of its own (API Gateway, the authorizer, an audit entry for patient data). */
  request?: 'patients' | 'auth' | 'billing' | 'analytics';
  lambda?: LambdaUse;
  /** Kafka events it carries per operation (analytics batches). */
  events?: (load: Load) => { topic: 'patient' | 'billing'; count: number; bytes: number };
}
