/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: '@vth/backend-tmux',
  rootDir: __dirname,
};
