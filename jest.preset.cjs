/** Shared Jest settings: ts-jest in transpile-only mode (type checking is the `typecheck` target's job). */
module.exports = {
  testEnvironment: 'node',
  // Jest's own default (5 s) is a timing threshold: a property test with a fixed number of runs, or a real
  // shell under coverage on a slow or busy machine, can pass it without anything being wrong. Tests bound
  // their work by counts and wait on events; this only ends a test that hangs.
  testTimeout: 60_000,
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
