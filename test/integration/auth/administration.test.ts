/**
 * Users and sessions (contract v2, "Record history, audit, administration"), through the auth handler
 * and the TOKEN authorizer against DynamoDB Local: an admin lists, reads and changes users, ending their
 * logins at once; nobody removes the last admin; a user lists and ends their own logins.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { handler as authHandler } from '../../../functions/auth/handler';
import { handler as authorizer } from '../../../functions/authorizer/handler';
import {
  apiEvent,
  lambdaContext,
  parse,
  tokenEvent,
  uniqueEmail,
  useAuthEnvironment,
  type EventInput,
} from './helpers';
import { ensureAdmin } from '../../../functions/auth/use-cases/ensure-admin';
import { authPorts } from '../../../functions/auth/ports-from-env';

jest.setTimeout(120_000); // several scrypt hashes per test

const call = async (
  method: string,
  resource: string,
  input: EventInput & { id?: string; query?: Record<string, string> } = {},
) => {
  const event = apiEvent(method, resource, input);
  if (input.id) event.pathParameters = { id: input.id };
  if (input.query) event.queryStringParameters = input.query;
  return parse((await authHandler(event, lambdaContext('auth'))) as APIGatewayProxyResult);
};
const bearer = (token: string, userAgent?: string) => ({
  Authorization: `Bearer ${token}`,
  ...(userAgent ? { 'User-Agent': userAgent } : {}),
});
const PASSWORD = 'a good password';
const allowed = (token: string) =>
  authorizer(tokenEvent(`Bearer ${token}`)).then(
    () => true,
    () => false,
  );

async function login(email: string, userAgent?: string) {
  const response = await call('POST', '/api/auth/login', {
    body: { email, password: PASSWORD },
    headers: userAgent ? { 'User-Agent': userAgent } : {},
  });
  expect(response.status).toBe(200);
  return response.body as { accessToken: string; refreshToken: string };
}

async function newUser(role: 'admin' | 'clinician', adminToken: string) {
  const email = uniqueEmail(role).toLowerCase();
  const signup = await call('POST', '/api/auth/signup', {
    body: { email, password: PASSWORD, role },
    headers: bearer(adminToken),
  });
  expect(signup.status).toBe(201);
  return { id: signup.body.id as string, email, ...(await login(email)) };
}

let admin: { id: string; email: string; accessToken: string };

beforeAll(async () => {
  await useAuthEnvironment();
  const email = uniqueEmail('first-admin').toLowerCase();
  await ensureAdmin(authPorts(), email, PASSWORD);
  const tokens = await login(email);
  admin = { id: (await authPorts().users.findByEmail(email))!.id, email, accessToken: tokens.accessToken };
});

describe('GET /api/users and /api/users/{id}', () => {
  it("lists users newest first with the contract's fields, filtered by role and status, paged by an opaque cursor", async () => {
    const clinicians = [
      await newUser('clinician', admin.accessToken),
      await newUser('clinician', admin.accessToken),
      await newUser('clinician', admin.accessToken),
    ];
    const first = await call('GET', '/api/users', {
      headers: bearer(admin.accessToken),
      query: { role: 'clinician', limit: '2' },
    });
    expect(first.status).toBe(200);
    expect(first.body.users).toHaveLength(2);
    expect(Object.keys((first.body.users as object[])[0]!).sort()).toEqual([
      'createdAt',
      'email',
      'id',
      'lastLoginAt',
      'role',
      'status',
    ]);
    expect((first.body.users as { id: string }[]).map((u) => u.id)).toEqual([clinicians[2]!.id, clinicians[1]!.id]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call('GET', '/api/users', {
      headers: bearer(admin.accessToken),
      query: { role: 'clinician', limit: '2', cursor: first.body.nextCursor as string },
    });
    expect((second.body.users as { id: string }[]).map((u) => u.id)).toEqual([clinicians[0]!.id]);
    expect(second.body.nextCursor).toBeNull();
    const admins = await call('GET', '/api/users', {
      headers: bearer(admin.accessToken),
      query: { role: 'admin', status: 'active' },
    });
    expect(
      (admins.body.users as { id: string; lastLoginAt: string }[]).find((u) => u.id === admin.id)?.lastLoginAt,
    ).toEqual(expect.any(String));

    const one = await call('GET', '/api/users/{id}', { headers: bearer(admin.accessToken), id: clinicians[0]!.id });
    expect(one.body).toMatchObject({
      id: clinicians[0]!.id,
      email: clinicians[0]!.email,
      role: 'clinician',
      status: 'active',
    });
  });

  it('401 without a token, 403 for staff who are not admins, 400 naming a bad parameter, 404 for an unknown user', async () => {
    const clinician = await newUser('clinician', admin.accessToken);
    expect((await call('GET', '/api/users')).status).toBe(401);
    expect((await call('GET', '/api/users', { headers: bearer(clinician.accessToken) })).status).toBe(403);
    expect(
      (
        await call('PATCH', '/api/users/{id}', {
          headers: bearer(clinician.accessToken),
          id: admin.id,
          body: { role: 'patient' },
        })
      ).status,
    ).toBe(403);
    for (const [query, field] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: 'x' }, 'limit'],
      [{ role: 'root' }, 'role'],
      [{ status: 'gone' }, 'status'],
      [{ cursor: 'nope' }, 'cursor'],
    ] as const) {
      const response = await call('GET', '/api/users', { headers: bearer(admin.accessToken), query });
      expect([response.status, (response.body.errors as { field: string }[])[0]!.field]).toEqual([400, field]);
    }
    expect(
      (
        await call('GET', '/api/users/{id}', {
          headers: bearer(admin.accessToken),
          id: '00000000-0000-4000-8000-000000000000',
        })
      ).status,
    ).toBe(404);
    expect((await call('GET', '/api/users/{id}', { headers: bearer(admin.accessToken), id: 'not-an-id' })).status).toBe(
      404,
    );
  });
});

describe('PATCH /api/users/{id}', () => {
  it('disabling ends every login at once and refuses new ones; enabling again lets the user back in', async () => {
    const clinician = await newUser('clinician', admin.accessToken);
    expect(await allowed(clinician.accessToken)).toBe(true);
    const disabled = await call('PATCH', '/api/users/{id}', {
      headers: bearer(admin.accessToken),
      id: clinician.id,
      body: { status: 'disabled' },
    });
    expect([disabled.status, disabled.body.status]).toEqual([200, 'disabled']);
    expect(await allowed(clinician.accessToken)).toBe(false);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: clinician.refreshToken } })).status).toBe(
      401,
    );
    expect(
      (await call('POST', '/api/auth/login', { body: { email: clinician.email, password: PASSWORD } })).status,
    ).toBe(403);
    expect(
      (
        await call('PATCH', '/api/users/{id}', {
          headers: bearer(admin.accessToken),
          id: clinician.id,
          body: { status: 'active' },
        })
      ).status,
    ).toBe(200);
    expect(await allowed((await login(clinician.email)).accessToken)).toBe(true);
  });

  it('a role change ends every login at once (their tokens carry the old role)', async () => {
    const clinician = await newUser('clinician', admin.accessToken);
    const changed = await call('PATCH', '/api/users/{id}', {
      headers: bearer(admin.accessToken),
      id: clinician.id,
      body: { role: 'patient' },
    });
    expect([changed.status, changed.body.role]).toEqual([200, 'patient']);
    expect(await allowed(clinician.accessToken)).toBe(false);
    expect(
      (await call('GET', '/api/auth/validate', { headers: bearer((await login(clinician.email)).accessToken) })).body
        .role,
    ).toBe('patient');
  });

  it('of 10 changes of one user at once, every one answers 200 (last writer wins); the user ends as one of them', async () => {
    const clinician = await newUser('clinician', admin.accessToken);
    const bodies = Array.from({ length: 10 }, (_, i) =>
      i % 2 ? { role: 'patient' } : { status: i % 4 ? 'disabled' : 'active', role: 'clinician' },
    );
    const results = await Promise.all(
      bodies.map((body) =>
        call('PATCH', '/api/users/{id}', { headers: bearer(admin.accessToken), id: clinician.id, body }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const stored = (await call('GET', '/api/users/{id}', { headers: bearer(admin.accessToken), id: clinician.id }))
      .body;
    expect(results.map((r) => [r.body.role, r.body.status])).toContainEqual([stored.role, stored.status]);
  });

  it('400 for unknown fields or values; 409 for disabling or demoting yourself', async () => {
    const clinician = await newUser('clinician', admin.accessToken);
    for (const body of [{ role: 'root' }, { status: 'paused' }, { email: 'x@y.test' }]) {
      expect(
        (await call('PATCH', '/api/users/{id}', { headers: bearer(admin.accessToken), id: clinician.id, body })).status,
      ).toBe(400);
    }
    for (const body of [{ status: 'disabled' }, { role: 'clinician' }]) {
      expect(
        (await call('PATCH', '/api/users/{id}', { headers: bearer(admin.accessToken), id: admin.id, body })).status,
      ).toBe(409);
    }
    expect(await allowed(admin.accessToken)).toBe(true);
  });

  it('the last active admin can never be removed, even by two admins demoting each other at once', async () => {
    const second = await newUser('admin', admin.accessToken);
    const third = await newUser('admin', admin.accessToken);
    // second and third race to demote each other: at most one wins, an admin always remains.
    const [a, b] = await Promise.all([
      call('PATCH', '/api/users/{id}', {
        headers: bearer(second.accessToken),
        id: third.id,
        body: { role: 'clinician' },
      }),
      call('PATCH', '/api/users/{id}', {
        headers: bearer(third.accessToken),
        id: second.id,
        body: { role: 'clinician' },
      }),
    ]);
    expect([a.status, b.status].filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    const admins = await call('GET', '/api/users', {
      headers: bearer(admin.accessToken),
      query: { role: 'admin', status: 'active', limit: '100' },
    });
    const remaining = (admins.body.users as { id: string }[]).map((u) => u.id);
    expect(remaining).toContain(admin.id);
    // Demote every other admin, then the first admin is the last: nobody may remove them.
    for (const id of remaining.filter((id) => id !== admin.id)) {
      expect(
        (
          await call('PATCH', '/api/users/{id}', {
            headers: bearer(admin.accessToken),
            id,
            body: { status: 'disabled' },
          })
        ).status,
      ).toBe(200);
    }
    const { users } = authPorts();
    const me = (await users.findById(admin.id))!;
    await expect(
      users.update(admin.id, {
        role: 'clinician',
        status: 'active',
        expected: { role: 'admin', status: 'active' },
        at: Date.now(),
      }),
    ).rejects.toMatchObject({ kind: 'LAST_ADMIN' });
    expect((await users.findById(admin.id))!.role).toBe(me.role);
  });
});

describe('sessions', () => {
  it('a user lists their active logins (which is current, user agent) and ends one at once, refresh token included', async () => {
    const clinician = await newUser('clinician', admin.accessToken);
    const phone = await login(clinician.email, 'PhoneApp/2.1');
    const listed = await call('GET', '/api/auth/sessions', { headers: bearer(phone.accessToken) });
    expect(listed.status).toBe(200);
    const sessions = listed.body.sessions as {
      id: string;
      current: boolean;
      userAgent: string | null;
      createdAt: string;
      lastUsedAt: string;
    }[];
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({
      current: true,
      userAgent: 'PhoneApp/2.1',
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
    });
    expect(sessions[1]).toMatchObject({ current: false, userAgent: 'jest' });

    expect(
      (await call('DELETE', '/api/auth/sessions/{id}', { headers: bearer(phone.accessToken), id: sessions[1]!.id }))
        .status,
    ).toBe(204);
    expect(await allowed(clinician.accessToken)).toBe(false);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: clinician.refreshToken } })).status).toBe(
      401,
    );
    expect(await allowed(phone.accessToken)).toBe(true);
    expect(
      (await call('GET', '/api/auth/sessions', { headers: bearer(phone.accessToken) })).body.sessions as unknown[],
    ).toHaveLength(1);
  });

  it("another user's session, an ended one or garbage → 404, and nothing ends", async () => {
    const one = await newUser('clinician', admin.accessToken);
    const other = await newUser('clinician', admin.accessToken);
    const [otherSession] = (await call('GET', '/api/auth/sessions', { headers: bearer(other.accessToken) })).body
      .sessions as { id: string }[];
    for (const id of [otherSession!.id, '00000000-0000-4000-8000-000000000000', 'garbage']) {
      expect((await call('DELETE', '/api/auth/sessions/{id}', { headers: bearer(one.accessToken), id })).status).toBe(
        404,
      );
    }
    expect(await allowed(other.accessToken)).toBe(true);
  });

  it('an admin ends every login of a user at once', async () => {
    const clinician = await newUser('clinician', admin.accessToken);
    const second = await login(clinician.email);
    expect(
      (await call('DELETE', '/api/users/{id}/sessions', { headers: bearer(admin.accessToken), id: clinician.id }))
        .status,
    ).toBe(204);
    for (const token of [clinician.accessToken, second.accessToken]) expect(await allowed(token)).toBe(false);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(401);
    expect(
      (await call('DELETE', '/api/users/{id}/sessions', { headers: bearer(clinician.accessToken), id: admin.id }))
        .status,
    ).toBe(401);
  });
});
