/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@vth/backend-node-pty',
  rootDir: __dirname,
};
