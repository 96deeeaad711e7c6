import baseConfig from '../../eslint.config.mjs';

/** Browser-safe: the dashboard loads this package in a page, so nothing of Node may be imported. */
export default [
  ...baseConfig,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: '@vth/protocol runs in browsers: no Node modules' }] },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'use Uint8Array: @vth/protocol runs in browsers' },
      ],
    },
  },
];
