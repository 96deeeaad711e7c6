import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/**
 * Dependencies point down only (see docs/architecture.md). Tags live in each project's package.json under "nx".
 * Tests may reach further (a factory test creates a real backend), so the rule covers library code only.
 */
const depConstraints = [
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
  // The wire format loads in browsers: it depends on nothing of ours.
  { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:shell-integration', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:kit', onlyDependOnLibsWithTags: ['type:core', 'type:shell-integration'] },
  { sourceTag: 'type:testkit', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:security', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:factory', onlyDependOnLibsWithTags: ['type:core'] },
  {
    sourceTag: 'type:backend',
    // type:protocol: the remote backend speaks the wire format to a server.
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:shell-integration',
      'type:kit',
      'type:security',
      'type:protocol',
    ],
  },
  {
    sourceTag: 'type:manager',
    onlyDependOnLibsWithTags: ['type:core', 'type:factory', 'type:security', 'type:kit'],
  },
  { sourceTag: 'type:facade', onlyDependOnLibsWithTags: ['type:core', 'type:factory', 'type:manager'] },
  { sourceTag: 'type:alerting', onlyDependOnLibsWithTags: ['type:core', 'type:manager'] },
  {
    sourceTag: 'type:server',
    onlyDependOnLibsWithTags: ['type:core', 'type:protocol', 'type:security', 'type:manager'],
  },
  {
    sourceTag: 'type:mcp',
    onlyDependOnLibsWithTags: ['type:core', 'type:security'],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:factory',
      'type:manager',
      'type:facade',
      'type:backend',
      'type:shell-integration',
      'type:kit',
      'type:security',
      'type:protocol',
      'type:server',
      'type:alerting',
      'type:dashboard',
      'type:mcp',
    ],
  },
  // The page bundles the wire format at build time; its Node entry (the assets' path) needs nothing.
  { sourceTag: 'type:dashboard', onlyDependOnLibsWithTags: ['type:protocol'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'] },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/coverage', '**/node_modules', '**/.nx'],
  },
  {
    files: ['**/src/**/*.ts'],
    // Specs and their fixtures (left out of every build, see tsconfig.lib.json) are tests.
    ignores: ['**/*.spec.ts', '**/*.fixture.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: true, allow: [], depConstraints },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
      // noUncheckedIndexedAccess is on, so a `!` is a deliberate statement, not a shortcut.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
];
