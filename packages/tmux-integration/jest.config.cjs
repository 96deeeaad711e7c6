/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@vth/tmux-integration',
  rootDir: __dirname,
};
