// Four Jest projects, one per test level. ESM-only packages (@middy v7, jose 6, fhir-kit-client 2) are transformed for Jest's CommonJS runtime.
// The functions log at INFO by default; in test output only their errors are wanted (tests that read logs set their own level).
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const shared = {
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js',
    '^#commons/(.*)$': '<rootDir>/functions/commons/$1',
    '^fhir-kit-client$': '<rootDir>/node_modules/fhir-kit-client/dist/index.js',
  },
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }] },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose|fhir-kit-client)/)'],
};

module.exports = {
  // Integration and e2e tests start real servers on a shared 2-core machine; this is a hang guard, not a speed goal.
  testTimeout: 120_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/dynamo-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/dynamo-global-teardown.ts',
    },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/runtime-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/runtime-global-teardown.ts',
    },
  ],
};
