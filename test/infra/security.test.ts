/**
 * CDK assertions for the hardening of security issue 13: a WAF in front of the API, tighter limits on
 * the auth routes (WAF per source address, API Gateway per method, reserved concurrency for the auth
 * function), least privilege on the tables, the logs grant on the data key bound to log groups, safe
 * headers on gateway responses, and SES for the verification mail.
 */
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
