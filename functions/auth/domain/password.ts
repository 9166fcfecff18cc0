/**
 * Password hashing with scrypt (memory-hard) at the OWASP-recommended cost: N=2^17, r=8, p=1
 * (128 MiB, ~250 ms on one core here). The parameters travel inside each stored hash, so the cost
 * can be raised later without breaking existing users.
 */
import { availableParallelism } from 'node:os';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  logN: number;
  r: number;
  p: number;
}
export const OWASP_COST: ScryptCost = { logN: 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** Too many hashes are running or waiting: the caller should come back after a moment. */
export class HashingBusy extends Error {
  constructor() {
    super('Password hashing is at capacity');
    this.name = 'HashingBusy';
  }
}

export interface HashingLimits {
  concurrency: number;
  queue: number;
}

/**
 * Each hash takes a core for a quarter of a second and 128 MiB, so a process runs only a few at once and
 * queues a few more; past that it refuses at once rather than let a burst of logins starve every other
 * request (the local runtime serves all functions from one process). On Lambda one container serves one
 * request at a time and never queues; there, reserved concurrency and the stage throttle bound the cost.
 */
const limits: HashingLimits = { concurrency: Math.max(1, Math.floor(availableParallelism() / 2)), queue: 32 };
let running = 0;
const waiting: (() => void)[] = [];

export function limitHashing(next: Partial<HashingLimits>): void {
  Object.assign(limits, next);
}

async function gated<T>(work: () => Promise<T>): Promise<T> {
  if (running >= limits.concurrency) {
    if (waiting.length >= limits.queue) throw new HashingBusy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const nextInLine = waiting.shift();
    if (nextInLine)
      nextInLine(); // the slot passes straight to the next waiter
    else running--;
  }
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.logN;
  // maxmem must exceed 128 * N * r, or node refuses the parameters.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 128 * N * cost.r * 2 };
  return gated(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
          error ? reject(error) : resolve(key),
        );
      }),
  );
}

/** `scrypt$<logN>$<r>$<p>$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string, cost: ScryptCost = OWASP_COST): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.logN, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return undefined;
  const cost = { logN: Number(logN), r: Number(r), p: Number(p) };
  if (![cost.logN, cost.r, cost.p].every(Number.isInteger) || cost.logN < 10 || cost.logN > 20) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** Constant-time comparison of the derived key; a malformed stored hash costs the same work and never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  const target = parsed ?? parse(DUMMY_HASH)!;
  const key = await derive(password, target.salt, target.cost);
  const same = key.length === target.key.length && timingSafeEqual(key, target.key);
  return same && parsed !== undefined;
}

/**
 * Verified against when the email is unknown: the same scrypt work as a real user, so response time
 * does not reveal which emails exist. Random bytes: no password can match it.
 */
export const DUMMY_HASH = [
  'scrypt',
  OWASP_COST.logN,
  OWASP_COST.r,
  OWASP_COST.p,
  randomBytes(SALT_LENGTH).toString('base64url'),
  randomBytes(KEY_LENGTH).toString('base64url'),
].join('$');
