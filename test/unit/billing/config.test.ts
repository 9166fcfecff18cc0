import { billingConfigFromEnv } from '../../../billing/src/config';

describe('billingConfigFromEnv', () => {
  it('defaults to 127.0.0.1:9001 (loopback: only the container opts into 0.0.0.0) with a 10 s drain, and needs only the table', () => {
    expect(billingConfigFromEnv({ BILLING_ACCOUNTS_TABLE: 'billing-accounts' })).toEqual({
      port: 9001, host: '127.0.0.1', tableName: 'billing-accounts', drainTimeoutMs: 10_000,
    });
  });

  it('reads every variable', () => {
    expect(billingConfigFromEnv({
      BILLING_ACCOUNTS_TABLE: 't', BILLING_PORT: '0', BILLING_HOST: '0.0.0.0',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', BILLING_DRAIN_TIMEOUT_MS: '2500',
    })).toEqual({ port: 0, host: '0.0.0.0', tableName: 't', dynamoEndpoint: 'http://127.0.0.1:8000', drainTimeoutMs: 2500 });
  });

  it('refuses a missing table', () => {
    expect(() => billingConfigFromEnv({})).toThrow('BILLING_ACCOUNTS_TABLE must name the billing accounts table');
    expect(() => billingConfigFromEnv({ BILLING_ACCOUNTS_TABLE: ' ' })).toThrow('BILLING_ACCOUNTS_TABLE');
  });

  it.each(['abc', '-1', '65536', '90.5'])('refuses BILLING_PORT=%s', (port) => {
    expect(() => billingConfigFromEnv({ BILLING_ACCOUNTS_TABLE: 't', BILLING_PORT: port })).toThrow(`BILLING_PORT must be an integer from 0 to 65535, not "${port}"`);
  });
});
