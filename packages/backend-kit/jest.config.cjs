/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  ...require('../../jest.coverage.cjs')(__dirname),
  displayName: '@vth/backend-kit',
  rootDir: __dirname,
};
