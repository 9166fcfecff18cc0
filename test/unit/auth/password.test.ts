import {
  DUMMY_HASH,
  HashingBusy,
  hashPassword,
  limitHashing,
  OWASP_COST,
  verifyPassword,
} from '../../../functions/auth/domain/password';

// A low cost keeps most cases quick; one case runs the production cost end to end.
const FAST = { logN: 12, r: 8, p: 1 };

describe('password hashing', () => {
  it('uses scrypt at the OWASP cost by default, salted, and verifies the right password only', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', '17', '8', '1']);
    expect(OWASP_COST).toEqual({ logN: 17, r: 8, p: 1 });
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', stored)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', FAST), hashPassword('same', FAST)]);
    expect(a).not.toBe(b);
    await expect(verifyPassword('same', a)).resolves.toBe(true);
    await expect(verifyPassword('same', b)).resolves.toBe(true);
  });

  it('normalizes Unicode so the same visible password matches', async () => {
    const stored = await hashPassword('caf\u00e9-pass', FAST);
    await expect(verifyPassword('cafe\u0301-pass', stored)).resolves.toBe(true);
  });

  it('never matches the dummy hash or a malformed stored value', async () => {
    for (const password of ['', 'password123', DUMMY_HASH])
      await expect(verifyPassword(password, DUMMY_HASH)).resolves.toBe(false);
    for (const stored of ['', 'plain', 'scrypt$99$8$1$a$b', 'bcrypt$10$x', 'scrypt$12$8$1$$']) {
      await expect(verifyPassword('password123', stored)).resolves.toBe(false);
    }
  });

  it('the dummy hash has the production cost, so unknown emails cost the same work', () => {
    expect(DUMMY_HASH.split('$').slice(0, 4)).toEqual([
      'scrypt',
      String(OWASP_COST.logN),
      String(OWASP_COST.r),
      String(OWASP_COST.p),
    ]);
  });
});

describe('bounded hashing', () => {
  afterEach(() => limitHashing({ concurrency: 2, queue: 32 }));

  it('runs at most `concurrency` hashes at once, queues `queue` more, and refuses the rest at once', async () => {
    limitHashing({ concurrency: 1, queue: 2 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => hashPassword('queued', FAST)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(HashingBusy);
    // The slots are all given back: the next burst gets the same treatment.
    const again = await Promise.allSettled(Array.from({ length: 3 }, () => hashPassword('queued', FAST)));
    expect(again.every((r) => r.status === 'fulfilled')).toBe(true);
  });
});
