/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@vth/shell-integration',
  rootDir: __dirname,
};
