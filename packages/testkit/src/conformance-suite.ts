import { type BackendConformanceOptions } from './options';
import { createSuiteContext } from './suite-context';
import { describeAdditionalTests } from './suites/additional';
import { describeCancellation } from './suites/cancellation';
import { describeCommandText } from './suites/command-text';
import { describeCommands } from './suites/commands';
import { describeConcurrency } from './suites/concurrency';
import { describeErrors } from './suites/errors';
import { describeLeaks } from './suites/leaks';
import { describeLifecycle } from './suites/lifecycle';
import { describeLimits } from './suites/limits';
import { describeLongCommands } from './suites/long-commands';
import { describeObservability } from './suites/observability';
import { describeOutput } from './suites/output';
import { describeSessions } from './suites/sessions';
import { describeShellFuzz } from './suites/shell-fuzz';
import { describeShellHooks } from './suites/shell-hooks';
import { describeState } from './suites/state';
import { describeStdin } from './suites/stdin';
import { describeTerminal } from './suites/terminal';
import { type TestApi } from './test-api';

/**
 * Registers the vth conformance suite for one backend with a test runner's functions (`api`): lifecycle,
 * sessions, exact output, exit codes, state, input, interrupt and timeouts, limits, typed errors, capture
 * and resize, health, metrics and events, long commands (`capabilities.longCommands`), and that nothing is
 * left behind. Tests for a capability the backend lacks are skipped, with the capability named in their
 * title. Call it at the top level of a spec file. `describeBackendConformance` of `@vth/testkit/jest`,
 * `/vitest` and `/node-test` call it with their runner's API; call it yourself for another runner.
 *
 * @example
 * ```ts
 * import { registerBackendConformance, type TestApi } from '@vth/testkit/node-test';
 * const api: TestApi = myRunnerAdapter; // see TestApi
 * registerBackendConformance(api, { name: 'mine', create: () => new MyBackend(), config: {} });
 * ```
 */
export function registerBackendConformance(api: TestApi, options: BackendConformanceOptions): void {
  const ctx = createSuiteContext(options, api);
  api.describe(`${options.name} backend conformance`, () => {
    api.beforeAll(() => ctx.leaks.start(), ctx.testTimeout);
    describeLifecycle(ctx);
    describeSessions(ctx);
    describeOutput(ctx);
    describeCommands(ctx);
    describeState(ctx);
    describeStdin(ctx);
    describeShellFuzz(ctx);
    describeCancellation(ctx);
    describeLimits(ctx);
    describeCommandText(ctx);
    describeConcurrency(ctx);
    describeErrors(ctx);
    describeTerminal(ctx);
    describeObservability(ctx);
    describeShellHooks(ctx);
    describeLongCommands(ctx);
    if (options.additionalTests) describeAdditionalTests(ctx, options.additionalTests);
    describeLeaks(ctx);
  });
}
