import { smoke } from '../../../scripts/smoke';
import { DEMO_ADMIN } from '../../support/http';

describe('smoke script against npm start', () => {
  it('passes every step of the core flow', async () => {
    const steps = await smoke(process.env.E2E_BASE_URL!, DEMO_ADMIN.email, DEMO_ADMIN.password, () => undefined);
    expect(steps.map((s) => s.name)).toEqual([
      'health',
      'login',
      'create patient',
      'read patient',
      'analytics counts the event',
      'delete patient',
    ]);
    expect(steps.filter((s) => !s.ok)).toEqual([]);
  });

  it("checks the web app first when asked (as it does through a deployment's CloudFront URL)", async () => {
    const steps = await smoke(process.env.E2E_BASE_URL!, 'testuser@test.com', 'password123', () => undefined, 15_000, {
      webApp: true,
    });
    expect(steps[0]).toEqual(expect.objectContaining({ name: 'web app', ok: true }));
    expect(steps.filter((s) => !s.ok)).toEqual([]);
  });
});
