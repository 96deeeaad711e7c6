import {
  capabilitiesSchema,
  type BackendCapabilities,
  type BackendCapabilityFlag,
  type CommandExecution,
  type ExecutionContext,
  type ITerminalBackend,
} from '@vth/core';
import { type OptionalCapabilityFlag } from '@vth/core/kit';
import { expectOk, expectSameText, preview } from './helpers';
import { createLeakProbe, type LeakProbe } from './leak-probe';
import { type BackendConformanceOptions, type ShellFeatures } from './options';
import { type TestApi } from './test-api';

/** What a test may need besides the contract itself: a capability flag (optional ones too) or a shell feature. */
export type Need =
  BackendCapabilityFlag | OptionalCapabilityFlag | `shellFeatures.${keyof ShellFeatures & string}`;

export type TestBody = () => Promise<void>;
export type RegisterTest = (title: string, body: TestBody, timeoutMs?: number) => void;

/** Everything the suite files share: the plan (capabilities, shell features), scaled timeouts, helpers. */
export interface SuiteContext {
  readonly name: string;
  readonly caps: BackendCapabilities;
  readonly shell: Required<ShellFeatures>;
  readonly scale: number;
  readonly leaks: LeakProbe;
  readonly options: BackendConformanceOptions;
  /** The test runner's functions the suite registers with (see `TestApi`). */
  readonly api: TestApi;
  /** Jest timeout of an ordinary test or hook: 30 s × timeoutScale. */
  readonly testTimeout: number;
  /** `baseMs` × timeoutScale. */
  ms(baseMs: number): number;
  /** Registers a test that applies to every backend. */
  test: RegisterTest;
  /**
   * Registers a test that applies only when every need is met (`it`, else `it.skip`); the needs are named
   * in the title either way, so a skipped test says why (`shellFeatures.realShell` only when unmet: nearly
   * every backend has a real shell, and its tests keep their plain titles).
   */
  requires(...needs: Need[]): RegisterTest;
  /** Registers a test that needs a real shell (`requires('shellFeatures.realShell')`). */
  realShell: RegisterTest;
  /** `create()` + `initialize(config)`, asserted; a backend that fails to initialize is shut down. */
  newBackend(): Promise<ITerminalBackend>;
  /** Runs a command, asserts the call succeeded and the execution is well formed, and returns it. */
  run(
    backend: ITerminalBackend,
    sessionId: string,
    command: string,
    context?: ExecutionContext,
  ): Promise<CommandExecution>;
  /** Asserts status `completed` and, when the backend reports exit codes, `exitCode`. */
  expectCompleted(execution: CommandExecution, exitCode?: number): void;
  /** `run` + `expectCompleted` (exit 0) + the exact output. */
  expectRun(
    backend: ITerminalBackend,
    sessionId: string,
    command: string,
    expectedOutput: string,
    context?: ExecutionContext,
  ): Promise<CommandExecution>;
}

const STATUSES = ['completed', 'timed-out', 'interrupted', 'lost'];

/** Every field of a `CommandExecution`, checked at once so a failure lists all problems. */
export function expectExecutionShape(
  execution: CommandExecution,
  expected: { sessionId: string; command: string; backendId: string },
): void {
  const problems: string[] = [];
  const e = execution as unknown as Record<string, unknown>;
  if (typeof e.id !== 'string' || e.id === '') problems.push(`id is ${preview(e.id)}`);
  if (e.sessionId !== expected.sessionId) problems.push(`sessionId is ${preview(e.sessionId)}`);
  if (typeof e.paneId !== 'string' || e.paneId === '') problems.push(`paneId is ${preview(e.paneId)}`);
  if (e.command !== expected.command) problems.push(`command is ${preview(e.command)}`);
  if (!STATUSES.includes(e.status as string)) problems.push(`status is ${preview(e.status)}`);
  if (e.exitCode !== null && !Number.isInteger(e.exitCode))
    problems.push(`exitCode is ${preview(e.exitCode)}`);
  if (typeof e.output !== 'string') problems.push(`output is ${preview(e.output)}`);
  if (!Number.isInteger(e.truncatedBytes) || (e.truncatedBytes as number) < 0) {
    problems.push(`truncatedBytes is ${preview(e.truncatedBytes)}`);
  }
  if (typeof e.startedAt !== 'number' || !Number.isFinite(e.startedAt))
    problems.push(`startedAt is ${preview(e.startedAt)}`);
  if (typeof e.durationMs !== 'number' || !(e.durationMs >= 0))
    problems.push(`durationMs is ${preview(e.durationMs)}`);
  if (e.backendId !== expected.backendId)
    problems.push(`backendId is ${preview(e.backendId)}, not the backend's id`);
  if (e.cwd !== undefined && typeof e.cwd !== 'string') problems.push(`cwd is ${preview(e.cwd)}`);
  if (problems.length > 0) {
    throw new Error(
      `malformed CommandExecution for ${preview(expected.command, 60)}: ${problems.join('; ')}`,
    );
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function isCapabilities(value: unknown): value is BackendCapabilities {
  return capabilitiesSchema.safeParse(value).success;
}

/**
 * The capabilities the suite is planned with: given, or read from an instance created while Jest collects
 * tests (Jest cannot wait for a Promise there). That instance is never initialized; it is shut down anyway
 * in case its constructor took something.
 */
function planCapabilities(options: BackendConformanceOptions): BackendCapabilities {
  if (options.capabilities) {
    if (!isCapabilities(options.capabilities)) {
      throw new Error(`describeBackendConformance(${options.name}): options.capabilities is malformed`);
    }
    return options.capabilities;
  }
  const probe: unknown = options.create();
  if (isThenable(probe)) {
    probe.then(
      (backend) => (backend as ITerminalBackend).shutdown(),
      () => undefined,
    );
    throw new Error(
      `describeBackendConformance(${options.name}): create() returned a Promise, so the suite cannot read ` +
        'the capabilities while Jest collects tests; pass options.capabilities',
    );
  }
  const capabilities = (probe as ITerminalBackend | null)?.capabilities;
  Promise.resolve()
    .then(() => (probe as ITerminalBackend).shutdown())
    .catch(() => undefined);
  if (!isCapabilities(capabilities)) {
    throw new Error(
      `describeBackendConformance(${options.name}): the backend from create() has no well-formed capabilities`,
    );
  }
  return { ...capabilities };
}

export function createSuiteContext(options: BackendConformanceOptions, api: TestApi): SuiteContext {
  const scale = options.timeoutScale ?? 1;
  if (!(typeof scale === 'number' && Number.isFinite(scale) && scale > 0)) {
    throw new Error(`describeBackendConformance(${options.name}): timeoutScale must be a positive number`);
  }
  const caps = planCapabilities(options);
  const shell: Required<ShellFeatures> = {
    incompleteInput: options.shellFeatures?.incompleteInput ?? true,
    bash: options.shellFeatures?.bash ?? true,
    realShell: options.shellFeatures?.realShell ?? true,
  };
  const ms = (baseMs: number) => Math.round(baseMs * scale);
  const testTimeout = ms(30_000);
  const met = (need: Need) =>
    need.startsWith('shellFeatures.')
      ? shell[need.slice('shellFeatures.'.length) as keyof ShellFeatures]
      : caps[need as BackendCapabilityFlag | OptionalCapabilityFlag] === true;
  const label = (need: Need) => (need.startsWith('shellFeatures.') ? need : `capabilities.${need}`);
  const named = (need: Need) => need !== 'shellFeatures.realShell' || !met(need);
  const requires: SuiteContext['requires'] =
    (...needs) =>
    (title, body, timeoutMs = testTimeout) => {
      const register = needs.every(met) ? api.it : api.skip;
      const shown = needs.filter(named);
      register(
        shown.length > 0 ? `${title} [requires ${shown.map(label).join(', ')}]` : title,
        body,
        timeoutMs,
      );
    };

  const ctx: SuiteContext = {
    name: options.name,
    caps,
    shell,
    scale,
    leaks: createLeakProbe(options.listLeaks),
    options,
    api,
    testTimeout,
    ms,
    test: (title, body, timeoutMs = testTimeout) => api.it(title, body, timeoutMs),
    requires,
    realShell: requires('shellFeatures.realShell'),
    async newBackend() {
      const backend = await options.create();
      const init = await backend.initialize(options.config ?? {});
      if (!init.ok) await backend.shutdown();
      expectOk(init, 'initialize');
      return backend;
    },
    async run(backend, sessionId, command, context) {
      const execution = expectOk(
        await backend.executeCommand(sessionId, command, undefined, context),
        `executeCommand(${preview(command, 60)})`,
      );
      expectExecutionShape(execution, { sessionId, command, backendId: backend.id });
      return execution;
    },
    expectCompleted(execution, exitCode = 0) {
      const actual = {
        status: execution.status,
        ...(caps.exitCodes ? { exitCode: execution.exitCode } : {}),
      };
      const expected = { status: 'completed', ...(caps.exitCodes ? { exitCode } : {}) };
      if (actual.status !== expected.status || actual.exitCode !== expected.exitCode) {
        throw new Error(
          `${preview(execution.command, 60)} ended ${preview(actual)}, expected ${preview(expected)}; ` +
            `output: ${preview(execution.output, 300)}`,
        );
      }
    },
    async expectRun(backend, sessionId, command, expectedOutput, context) {
      const execution = await ctx.run(backend, sessionId, command, context);
      ctx.expectCompleted(execution);
      expectSameText(execution.output, expectedOutput, `the output of ${preview(command, 60)}`);
      return execution;
    },
  };
  return ctx;
}
