/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  ...require('../../jest.coverage.cjs')(__dirname),
  displayName: '@vth/server',
  rootDir: __dirname,
  // `npm test` runs with --coverage and fails under these (see jest.coverage.cjs).
  coverageThreshold: { global: { lines: 90, branches: 90 } },
};
