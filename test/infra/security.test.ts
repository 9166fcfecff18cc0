/**
 * CDK assertions for the hardening of security issue 13: a WAF in front of the API, tighter limits on
 * the auth routes (WAF per source address, API Gateway per method, reserved concurrency for the auth
 * function), least privilege on the tables, the logs grant on the data key bound to log groups, safe
 * headers on gateway responses, and SES for the verification mail.
 */
import type { Profile } from '../../infra/config';
import { resourcesOf, synthesize } from './synth';

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };

describe('data key', () => {
  it('lets CloudWatch Logs use the key only for this account\'s log groups in this region (encryption context)', () => {
    const [key] = Object.values(resourcesOf(synthesize('aws').templates.stateful, 'AWS::KMS::Key'));
    const logs = (key!.Properties.KeyPolicy as { Statement: Statement[] }).Statement.filter((st) => JSON.stringify(st.Principal ?? '').includes('"logs."'));
    expect(logs.length).toBeGreaterThan(0);
    for (const st of logs) {
      const arn = JSON.stringify(st.Condition?.ArnLike?.['kms:EncryptionContext:aws:logs:arn']);
      expect(arn).toMatch(/:logs:".*AWS::Region.*AWS::AccountId.*:log-group:\*/);
    }
  });
});

describe.each(['aws', 'localstack-community'] as Profile[])('gateway responses on profile %s', (profile) => {
  it('carry nosniff and no-store on every gateway response, and WWW-Authenticate: Bearer on every 401', () => {
    const responses = Object.values(resourcesOf(synthesize(profile).templates.api, 'AWS::ApiGateway::GatewayResponse'));
    expect(responses.map((r) => r.Properties.ResponseType)).toEqual(expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED', 'THROTTLED']));
    for (const { Properties: p } of responses) {
      const headers = p.ResponseParameters as Record<string, string>;
      expect([p.ResponseType, headers['gatewayresponse.header.X-Content-Type-Options'], headers['gatewayresponse.header.Cache-Control']])
        .toEqual([p.ResponseType, "'nosniff'", "'no-store'"]);
      if (p.StatusCode === '401' || p.ResponseType === 'UNAUTHORIZED') {
        expect([p.ResponseType, headers['gatewayresponse.header.WWW-Authenticate']]).toEqual([p.ResponseType, "'Bearer'"]);
      }
    }
  });
});
