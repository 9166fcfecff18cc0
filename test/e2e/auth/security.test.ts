/**
 * The v2 security amendments over HTTP against `npm start`: verified email before patient access (the
 * local mailbox), a password change ending every login at once, throttling per email and source, the
 * breached-password list, and the headers every answer carries.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import {
  base,
  type HttpResponse,
  login,
  loginDemoAdmin,
  mailedCode,
  patientInput,
  request,
  userWithRole,
} from '../../support/http';

jest.setTimeout(90_000); // several scrypt hashes per test

const PASSWORD = 'e2e-password-123';
const address = (tag: string) => `${tag}.${randomUUID().slice(0, 8)}@e2e-security.test`;
let adminToken: string;

beforeAll(async () => {
  adminToken = await loginDemoAdmin();
});

/** A login sent from another loopback address, as a second client machine would. */
function loginFrom(localAddress: string, email: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL('/api/auth/login', base());
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ email, password }));
  });
}

describe('verified email before patient access', () => {
  it('a self-signed-up patient sees nothing until they confirm the mailed code; then their own record, with the same token', async () => {
    const email = address('owner');
    const record = (await request('POST', '/api/patients', { token: adminToken, body: patientInput({ email }) })).body;
    // Signing up with the record's email (any case) is not enough to read it.
    const signup = await request('POST', '/api/auth/signup', {
      body: { email: email.toUpperCase(), password: PASSWORD },
    });
    expect(signup.status).toBe(201);
    const token = await login(email, PASSWORD);
    expect((await request('GET', '/api/patients', { token })).body).toEqual({ patients: [], nextCursor: null });
    expect((await request('GET', `/api/patients/${record.id}`, { token })).status).toBe(404);

    const mailbox = await request('GET', `/_local/mailbox?to=${encodeURIComponent(email)}`);
    expect(mailbox.status).toBe(200);
    expect(mailbox.body.messages).toHaveLength(1);
    expect(mailbox.body.messages[0]).toEqual({
      to: email,
      subject: expect.any(String),
      text: expect.stringContaining(mailbox.body.messages[0].code),
      code: expect.stringMatching(/^\d{6}$/),
      sentAt: expect.any(String),
    });

    const wrong = await request('POST', '/api/auth/verify-email', {
      body: { email, code: mailbox.body.messages[0].code === '000000' ? '111111' : '000000' },
    });
    expect([wrong.status, wrong.headers.get('content-type'), wrong.body.errors[0].field]).toEqual([
      400,
      'application/problem+json',
      'code',
    ]);
    expect(
      (await request('POST', '/api/auth/verify-email', { body: { email, code: await mailedCode(email) } })).status,
    ).toBe(204);

    const list = await request('GET', '/api/patients', { token });
    expect(list.body.patients.map((p: { id: string }) => p.id)).toEqual([record.id]);
    expect((await request('GET', `/api/patients/${record.id}`, { token })).status).toBe(200);
  });

  it('five wrong codes end the code: the right one is refused after them; a new code can be asked for', async () => {
    const email = address('guessed');
    expect((await request('POST', '/api/auth/signup', { body: { email, password: PASSWORD } })).status).toBe(201);
    const code = await mailedCode(email);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++)
      expect((await request('POST', '/api/auth/verify-email', { body: { email, code: wrong } })).status).toBe(400);
    expect((await request('POST', '/api/auth/verify-email', { body: { email, code } })).status).toBe(400);

    expect((await request('POST', '/api/auth/verification-code', { body: { email } })).status).toBe(204);
    const fresh = await mailedCode(email);
    expect((await request('POST', '/api/auth/verify-email', { body: { email, code: fresh } })).status).toBe(204);
    // Unknown addresses get the same answer, and no mail.
    const nobody = address('nobody');
    expect((await request('POST', '/api/auth/verification-code', { body: { email: nobody } })).status).toBe(204);
    expect((await request('GET', `/_local/mailbox?to=${nobody}`)).body.messages).toEqual([]);
  });

  it('users an admin creates are verified by that act (any role), and get no code', async () => {
    const email = address('by-admin');
    const record = (await request('POST', '/api/patients', { token: adminToken, body: patientInput({ email }) })).body;
    expect(
      (
        await request('POST', '/api/auth/signup', {
          token: adminToken,
          body: { email, password: PASSWORD, role: 'patient' },
        })
      ).status,
    ).toBe(201);
    expect((await request('GET', `/_local/mailbox?to=${email}`)).body.messages).toEqual([]);
    expect((await request('GET', `/api/patients/${record.id}`, { token: await login(email, PASSWORD) })).status).toBe(
      200,
    );
  });

  it('400 with the field for malformed verification requests', async () => {
    for (const body of [
      { email: 'x@y.test' },
      { code: '123456' },
      { email: 'not-an-email', code: '123456' },
      { email: 'x@y.test', code: '1', extra: true },
    ]) {
      const response = await request('POST', '/api/auth/verify-email', { body });
      expect([response.status, response.headers.get('content-type')]).toEqual([400, 'application/problem+json']);
    }
  });
});

describe('a password change ends every login at once', () => {
  it("the other login's access token is refused on its very next request, at the gateway and in the auth function", async () => {
    const clinician = await userWithRole('clinician', adminToken);
    const other = await login(clinician.email, 'e2e-password-123');
    expect((await request('GET', '/api/patients', { token: other })).status).toBe(200);
    const changed = await request('POST', '/api/auth/password', {
      token: clinician.token,
      body: { currentPassword: PASSWORD, newPassword: 'a fresh clinic passphrase' },
    });
    expect(changed.status).toBe(200);
    for (const token of [other, clinician.token]) {
      const refused = await request('GET', '/api/patients', { token });
      expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
      expect((await request('GET', '/api/auth/validate', { token })).status).toBe(401);
    }
    expect((await request('GET', '/api/patients', { token: changed.body.accessToken })).status).toBe(200);
  });
});

describe('throttling and passwords', () => {
  it('failures count per email and source: five from one address do not lock the owner out from another', async () => {
    const clinician = await userWithRole('clinician', adminToken);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await loginFrom('127.0.0.2', clinician.email, 'an attacker guess'));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await loginFrom('127.0.0.1', clinician.email, PASSWORD)).toBe(200);
    const throttled = await request('POST', '/api/auth/login', { body: { email: clinician.email, password: 'x' } });
    expect(throttled.status).not.toBe(429);
  });

  it.each(['password', '12345678', 'qwerty123'])(
    'refuses the common password %j at signup (400 naming password)',
    async (password) => {
      const response = await request('POST', '/api/auth/signup', { body: { email: address('weak'), password } });
      expect([response.status, response.body.errors?.[0]?.field]).toEqual([400, 'password']);
    },
  );
});

describe('headers', () => {
  const expectHardened = (response: HttpResponse) => {
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  };

  it('every 401 names the Bearer scheme; answers are nosniff and no-store', async () => {
    for (const response of [
      await request('GET', '/api/patients'),
      await request('GET', '/api/patients', { token: 'a.b.c' }),
      await request('GET', '/api/auth/validate'),
      await request('POST', '/api/auth/logout'),
    ]) {
      expect([response.status, response.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
      expectHardened(response);
    }
    expectHardened(await request('GET', '/api/patients', { token: adminToken }));
    expectHardened(await request('GET', '/api/nothing-here'));
    expect((await request('GET', '/health')).headers.get('x-content-type-options')).toBe('nosniff');
  });
});
