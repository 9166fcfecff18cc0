import { newRefreshToken, parseRefreshToken } from '../../../functions/auth/domain/refresh-token';

const familyId = '3f1c7a8e-2b4d-4c6e-9f0a-1b2c3d4e5f60';
const userId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const secret = 'A'.repeat(43);

describe('refresh tokens', () => {
  it('name their login and user, and parse back to them', () => {
    const token = newRefreshToken({ familyId, userId });
    expect(token).toMatch(/^[0-9a-f-]{36}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(parseRefreshToken(token)).toEqual({ owner: { familyId, userId } });
    expect(newRefreshToken({ familyId, userId })).not.toBe(token);
  });

  it('an older bare secret parses as a token that names nobody', () => {
    expect(parseRefreshToken(secret)).toEqual({});
  });

  it.each([
    ['empty', ''],
    ['oversized ids', `${'f'.repeat(4000)}.${userId}.${secret}`],
    ['ids that are no UUID', `family.user.${secret}`],
    ['upper-case ids', `${familyId.toUpperCase()}.${userId}.${secret}`],
    ['a short secret', `${familyId}.${userId}.abc`],
    ['a fourth part', `${familyId}.${userId}.${secret}.x`],
    ['a JWT', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
    ['a bare secret of the wrong length', secret.slice(1)],
  ])('anything else (%s) is no token of ours', (_, token) => {
    expect(parseRefreshToken(token)).toBeUndefined();
  });
});
