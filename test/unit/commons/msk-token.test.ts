/**
 * The functions' MSK IAM token (functions/commons/clients/msk-token.ts) against aws-msk-iam-sasl-signer-js, which it
 * replaces in the bundles: the same credentials at the same instant give the same token, letter for letter.
 */
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import { credentialsFromEnv, mskAuthToken } from '../../../functions/commons/clients/msk-token';

const decoded = (token: string) => new URL(Buffer.from(token, 'base64url').toString('utf8'));

beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 11, 2, 17, 54, 7) }));
afterEach(() => jest.useRealTimers());

it.each([
  ['role credentials with a session token', { sessionToken: 'IQoJb3JpZ2luX2VjE+/a=b!c(d)e*f' }],
  ['long-lived keys', {}],
])('signs as the library does: %s', async (_, extra) => {
  const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalr/XUtnFEMI+K7MDENG=', ...extra };
  for (const region of ['eu-west-1', 'us-east-1']) {
    const { token } = await generateAuthTokenFromCredentialsProvider({
      region,
      awsCredentialsProvider: async () => credentials,
    });
    const libraryAgent = decoded(token).searchParams.get('User-Agent')!;
    expect(libraryAgent).toMatch(/^aws-msk-iam-sasl-signer-js\//);
    expect(await mskAuthToken(region, credentials, libraryAgent)).toBe(token);
  }
});

it('names this code base as the user agent, and signs for 15 minutes', async () => {
  const url = decoded(await mskAuthToken('eu-west-1', { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' }));
  expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
  expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
  expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
  expect(url.searchParams.get('User-Agent')).toBe('patient-management-msk-token/1');
});

it('takes the credentials Lambda sets, and refuses to sign without them', () => {
  expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' })).toEqual({
    accessKeyId: 'a',
    secretAccessKey: 's',
    sessionToken: 't',
  });
  expect(() => credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a' })).toThrow(/AWS_SECRET_ACCESS_KEY/);
});
