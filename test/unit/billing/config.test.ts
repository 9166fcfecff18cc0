import { billingConfigFromEnv } from '../../../billing/src/config';

describe('billingConfigFromEnv', () => {
  it('defaults to 127.0.0.1:9001 (loopback: only the container opts into 0.0.0.0) with a 10 s drain, and needs only the tables', () => {
    expect(
      billingConfigFromEnv({
        BILLING_ACCOUNTS_TABLE: 'billing-accounts',
        BILLING_TRANSACTIONS_TABLE: 'billing-transactions',
      }),
    ).toEqual({
      port: 9001,
      host: '127.0.0.1',
      tableName: 'billing-accounts',
      transactionsTableName: 'billing-transactions',
      drainTimeoutMs: 10_000,
    });
  });

  it('reads every variable', () => {
    expect(
      billingConfigFromEnv({
        BILLING_ACCOUNTS_TABLE: 't',
        BILLING_TRANSACTIONS_TABLE: 'tx',
        BILLING_CURRENCY: 'EUR',
        BILLING_PORT: '0',
        BILLING_HOST: '0.0.0.0',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        BILLING_DRAIN_TIMEOUT_MS: '2500',
      }),
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      tableName: 't',
      transactionsTableName: 'tx',
      currency: 'EUR',
      dynamoEndpoint: 'http://127.0.0.1:8000',
      drainTimeoutMs: 2500,
    });
  });

  it('refuses a missing table', () => {
    expect(() => billingConfigFromEnv({})).toThrow('BILLING_ACCOUNTS_TABLE must name the billing accounts table');
    expect(() => billingConfigFromEnv({ BILLING_ACCOUNTS_TABLE: ' ' })).toThrow('BILLING_ACCOUNTS_TABLE');
  });

  it('refuses a missing transactions table and a currency that is no ISO 4217 code', () => {
    expect(() => billingConfigFromEnv({ BILLING_ACCOUNTS_TABLE: 't' })).toThrow(
      'BILLING_TRANSACTIONS_TABLE must name the billing transactions table',
    );
    expect(() =>
      billingConfigFromEnv({ BILLING_ACCOUNTS_TABLE: 't', BILLING_TRANSACTIONS_TABLE: 'tx', BILLING_CURRENCY: 'usd' }),
    ).toThrow('BILLING_CURRENCY');
  });

  it.each(['abc', '-1', '65536', '90.5'])('refuses BILLING_PORT=%s', (port) => {
    expect(() =>
      billingConfigFromEnv({ BILLING_ACCOUNTS_TABLE: 't', BILLING_TRANSACTIONS_TABLE: 'tx', BILLING_PORT: port }),
    ).toThrow(`BILLING_PORT must be an integer from 0 to 65535, not "${port}"`);
  });
});
