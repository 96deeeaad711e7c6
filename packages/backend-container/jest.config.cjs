/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@vth/backend-container',
  rootDir: __dirname,
};
