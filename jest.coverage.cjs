const path = require('node:path');

/**
 * Coverage settings for a package's jest config. Collection is off by default, so a developer running one
 * spec file is not failed by the package's thresholds; `npm test` (tools/scripts/test.sh) turns it on
 * with `--coverage`. Istanbul (the `babel` provider) instruments ts-jest's output and maps it back: it
 * counts `??`, `?.`, default arguments and both sides of `&&`/`||` as branches, where V8's block coverage
 * misses most of them and counts type-only files as uncovered lines.
 */
module.exports = function coverageFor(packageDir) {
  return {
    coverageProvider: 'babel',
    collectCoverageFrom: [
      'src/**/*.ts',
      '!src/**/*.spec.ts',
      '!src/**/*.fixture.ts',
      '!src/**/test-support/**',
    ],
    coverageDirectory: path.join(__dirname, 'test-output', 'coverage', path.basename(packageDir)),
    coverageReporters: ['text-summary', 'lcov'],
  };
};
