/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  ...require('../../jest.coverage.cjs')(__dirname),
  displayName: '@vth/server',
  rootDir: __dirname,
  // The specs drive a real server over real shells; this bounds a hung run, it is not a performance claim.
  testTimeout: 60_000,
  // `npm test` runs with --coverage and fails under these (see jest.coverage.cjs).
  coverageThreshold: { global: { lines: 90, branches: 90 } },
};
