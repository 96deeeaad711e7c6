/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  ...require('../../jest.coverage.cjs')(__dirname),
  displayName: '@vth/dashboard',
  rootDir: __dirname,
  // The browser tests share one machine's Chromium and real backends: one file at a time.
  maxWorkers: 1,
};
