import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { serviceEndpoint, signRequest } from '../../../functions/authorizer/aws-json';
import { allow, apiWildcardArn } from '../../../functions/authorizer/policy';

describe('authorizer policy', () => {
  it('allows execute-api:Invoke on every method and path of the same API and stage', () => {
    const arn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/api/patients/42';
    expect(apiWildcardArn(arn)).toBe('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*/*');
    expect(allow('u-1', arn, { userId: 'u-1', email: 'e@x.io', role: 'admin' })).toEqual({
      principalId: 'u-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*/*',
          },
        ],
      },
      context: { userId: 'u-1', email: 'e@x.io', role: 'admin' },
    });
  });

  it('refuses a methodArn it does not understand', () => {
    for (const arn of ['', 'nonsense', 'arn:aws:execute-api:eu-west-1:123:abc', 'arn:aws:x/prod/GET/'])
      expect(() => apiWildcardArn(arn)).toThrow();
  });
});

describe("Signature V4 of the authorizer's tiny AWS client", () => {
  it.each([
    ['dynamodb', 'DynamoDB_20120810.GetItem', '1.0', 'https://dynamodb.eu-west-1.amazonaws.com/', 'session-token-xyz'],
    ['ssm', 'AmazonSSM.GetParameter', '1.1', 'https://ssm.eu-west-1.amazonaws.com/', undefined],
  ])('matches the AWS SDK signer for %s', async (service, target, version, endpoint, sessionToken) => {
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      ...(sessionToken ? { sessionToken } : {}),
    };
    const date = new Date('2026-11-22T10:11:12.345Z');
    const body = JSON.stringify({ TableName: 't', Key: { pk: { S: 'REVOKED#x' } } });
    const url = new URL(endpoint);
    const headers = { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target };
    const mine = signRequest({ method: 'POST', url, body, service, region: 'eu-west-1', credentials, date, headers });

    const signer = new SignatureV4({ credentials, region: 'eu-west-1', service, sha256: Sha256, applyChecksum: false });
    const theirs = await signer.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: url.hostname,
        path: '/',
        query: {},
        body,
        headers: { ...headers, host: url.host },
      },
      { signingDate: date },
    );
    expect(mine.authorization).toBe(theirs.headers.authorization);
    expect(mine['x-amz-date']).toBe(theirs.headers['x-amz-date']);
  });
});

describe("endpoints of the authorizer's tiny AWS client", () => {
  it("takes the regional endpoint unless the SDK's endpoint overrides say otherwise (as LocalStack sets them)", () => {
    expect(serviceEndpoint('ssm', { AWS_REGION: 'eu-west-1' })).toBe('https://ssm.eu-west-1.amazonaws.com');
    expect(
      serviceEndpoint('dynamodb', {
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: 'http://localhost.localstack.cloud:4566',
      }),
    ).toBe('http://localhost.localstack.cloud:4566');
    expect(
      serviceEndpoint('dynamodb', { AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://b:2' }),
    ).toBe('http://b:2');
  });
});
