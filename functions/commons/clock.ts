/** Time and new ids as ports: use cases read them from their ports, so tests fix them; the composition roots pass these defaults. */
import { randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export type IdGenerator = () => string;

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = () => randomUUID();
