/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@vth/security',
  rootDir: __dirname,
};
