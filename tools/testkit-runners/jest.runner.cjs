// Not named jest.config.cjs: this project's `test` target is its package.json script, which runs all three runners.
/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'testkit under Jest',
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.base.json' }] },
  testMatch: ['<rootDir>/src/jest.spec.ts'],
};
