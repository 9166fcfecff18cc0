import { loginDemoAdmin, request } from '../../support/http';

describe('ids no patient can have', () => {
  let token: string;
  beforeAll(async () => {
    token = await loginDemoAdmin();
  });

  it.each(['a'.repeat(3000), '%C3%9F', 'not-a-uuid', '..%2F..%2Fetc'])('answers 4xx for %#, never 5xx', async (id) => {
    expect((await request('GET', `/api/patients/${id}`, { token })).status).toBe(404);
    expect((await request('DELETE', `/api/patients/${id}`, { token })).status).toBe(404);
    const put = await request('PUT', `/api/patients/${id}`, { token, body: { firstName: 1 } });
    expect(put.status).toBe(400);
    expect(put.headers.get('content-type')).toBe('application/problem+json');
  });
});
