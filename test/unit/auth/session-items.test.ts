/**
 * No item of a login grows with its use (issue 16: a login's family item once kept a map of every access
 * token it issued). On the capacity model's in-memory table, with the real session store.
 */
import { DynamoSessionStore } from '../../../functions/auth/adapters/dynamo-session-store';
import { familyKey, loginKey } from '../../../functions/auth/adapters/session-keys';
import { MAX_FAILURES, WINDOW_MS, recentFailures } from '../../../functions/auth/domain/login-throttle';
import { MemoryDynamo } from '../../../scripts/capacity/memory-dynamo';
import { itemSize } from '../../../scripts/capacity/units';
import { tables } from '../../../system/tables';

const itemOf = (db: MemoryDynamo, pk: string) => db.itemsOf('sessions').find((item) => item.pk === pk);

it("keeps a login's family item the same size however many times its tokens are refreshed", async () => {
  const db = new MemoryDynamo({ sessions: tables.sessions });
  const sessions = new DynamoSessionStore(db as never, 'sessions');
  const start = Date.parse('2026-06-01T08:00:00Z');
  await sessions.startFamily(
    { id: 'family-1', userId: 'user-1', startedAt: start, endsAt: start / 1000 + 12 * 3600, userAgent: 'test' },
    { refreshHash: 'hash-0', refreshExpiresAt: start / 1000 + 3600 },
  );
  const family = () => itemSize(itemOf(db, familyKey('family-1').pk));
  const first = family();
  for (let i = 1; i <= 500; i++) {
    const at = start + i * 60_000;
    expect(
      await sessions.rotate(
        `hash-${i - 1}`,
        { familyId: 'family-1', userId: 'user-1' },
        { refreshHash: `hash-${i}`, refreshExpiresAt: at / 1000 + 3600 },
        at,
      ),
    ).toBe(true);
  }
  // The same attributes, only the times changed (a number's size follows its digits: a byte or two either way).
  expect(Math.abs(family() - first)).toBeLessThanOrEqual(4);
  // Each refresh token is an item of its own (expiring by TTL), never a list on the family.
  expect(db.itemsOf('sessions').filter((item) => String(item.pk).startsWith('REFRESH#'))).toHaveLength(501);
});

it('keeps at most the recent failed attempts of a login key', async () => {
  const db = new MemoryDynamo({ sessions: tables.sessions });
  const sessions = new DynamoSessionStore(db as never, 'sessions');
  const start = Date.parse('2026-06-01T08:00:00Z');
  // A failure every minute for a day, as login() records them (only the window's failures are kept).
  for (let i = 0; i < 24 * 60; i++) {
    const now = start + i * 60_000;
    const seen = await sessions.loginAttempts('key');
    const keep = recentFailures(seen.failures, now);
    await sessions.reserveLoginAttempt('key', seen, { id: `attempt-${i}`, at: now, keep, drop: [] });
    await sessions.settleLoginAttempt('key', `attempt-${i}`, now);
  }
  const kept = itemOf(db, loginKey('key').pk)!.failures as number[];
  expect(kept.length).toBeLessThanOrEqual(WINDOW_MS / 60_000 + 1);
  expect(kept.length).toBeGreaterThan(MAX_FAILURES);
});
