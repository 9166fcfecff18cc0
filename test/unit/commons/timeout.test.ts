import { withTimeout } from '../../../functions/commons/timeout';

describe('withTimeout', () => {
  it('passes on what settles in time, its value or its error', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, () => new Error('late'))).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('own')), 1000, () => new Error('late'))).rejects.toThrow('own');
  });

  it("rejects with the caller's error when the promise does not settle in time", async () => {
    await expect(withTimeout(new Promise(() => undefined), 10, () => new Error('late'))).rejects.toThrow('late');
  });
});
