/**
 * `@vth/testkit`: the vth conformance suite. Any `ITerminalBackend` proves it keeps the contract of
 * `@vth/core` with one `describeBackendConformance` call in a test file; the suite runs real commands in real
 * shells, waits on conditions with deadlines, and checks that nothing leaks. The helpers it uses
 * (`expectOk`, `pollUntil`, `watchOutput`, ...) are exported for a backend's own tests.
 *
 * This entry point is the Jest one (the same as `@vth/testkit/jest`); `@vth/testkit/vitest` and
 * `@vth/testkit/node-test` register the same suite under Vitest and `node:test`. Import it from test files
 * only: `@jest/globals` refuses to load outside Jest.
 *
 * @example
 * ```ts
 * import { describeBackendConformance } from '@vth/testkit';
 * describeBackendConformance({ name: 'my-backend', create: () => new MyBackend(), config: {} });
 * ```
 *
 * @module @vth/testkit
 */
// The default entry point is the Jest one (`@vth/testkit/jest`), as it was before the other runners.
export * from './jest';
