// The reliability suite: bad input, faults, load. Each test file starts the servers it needs.
//   npx jest -c test/reliability/jest.config.js            full size
//   RELIABILITY_SHORT=1 npx jest -c test/reliability/...   shortened run (inside npm test)
// Sizes: RELIABILITY_FUZZ_REQUESTS, RELIABILITY_LOAD_SECONDS, RELIABILITY_SEED (replays a fuzz run).
const path = require('node:path');
const root = require('../../jest.config.js');
const { displayName: _name, testMatch: _match, ...shared } = root.projects[0];

module.exports = {
  ...shared,
  rootDir: path.resolve(__dirname, '../..'),
  displayName: 'reliability',
  testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
  testTimeout: 30 * 60 * 1000,
  maxWorkers: 1,
};
