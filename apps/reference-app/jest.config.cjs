/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  ...require('../../jest.coverage.cjs')(__dirname),
  displayName: '@vth/reference-app',
  rootDir: __dirname,
  // The specs' entry point, as cli.ts is the app's: tsyringe needs the Reflect metadata API loaded first.
  setupFiles: ['reflect-metadata'],
  // The specs spawn the built CLI with real shells; this bounds a hung run, it is not a performance claim.
  testTimeout: 60_000,
};
