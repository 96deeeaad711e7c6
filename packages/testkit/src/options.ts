import { type BackendCapabilities, type BackendConfig, type ITerminalBackend } from '@vth/core';

/** What the session's shell can do beyond POSIX `sh`. Every field defaults to `true`. */
export interface ShellFeatures {
  /**
   * A command left incomplete by its own text (`cat << EOF` without a body) waits for the rest through
   * `sendInput` and then completes. Backends built on `@vth/shell-integration` with bash support it.
   */
  incompleteInput?: boolean;
  /**
   * The session's shell is bash: run the checks that rely on it (`set -u`, `set -e`, `exec bash`, a user's
   * own `PROMPT_COMMAND` and `PS1`, sourcing `/etc/bash.bashrc`).
   */
  bash?: boolean;
  /**
   * The session runs a real shell on a real system: programs (`printf`, `sleep`, `seq`, `od`, `stty`,
   * `head`), files, functions, here-documents, the operating system's limits. `false` (an in-memory
   * backend whose sessions emulate a few shell words, for testing what sits on backends) keeps only the
   * checks of the contract itself: results, typed errors, lifecycle, sessions, queueing, events, metrics.
   * Unlike the other needs, this one is named in a test's title only when it is not met.
   */
  realShell?: boolean;
}

/** Handed to `additionalTests`: a backend shared by the block and a fresh session for each test. */
export interface ConformanceTestContext {
  /** The block's backend, initialized (valid inside tests and hooks, not while Jest collects tests). */
  backend: () => ITerminalBackend;
  /** A session created for the current test and destroyed after it. */
  session: () => string;
}

/** Options of {@link describeBackendConformance}. */
export interface BackendConformanceOptions {
  /** Names the suite in Jest's output: `"<name> backend conformance"`. */
  name: string;
  /**
   * A fresh, uninitialized backend; the suite calls `initialize(config)` and `shutdown()` itself. Called once
   * per `describe` block, by some lifecycle tests, and once while Jest collects tests to read `capabilities`
   * (that instance is never initialized).
   */
  create: () => ITerminalBackend | Promise<ITerminalBackend>;
  /** Handed to `initialize`. Default `{}`. */
  config?: BackendConfig;
  /**
   * The capabilities to plan the suite with (which tests apply). Default: read from the instance `create()`
   * returns while Jest collects tests. Required when `create` returns a Promise, since Jest collects tests
   * synchronously.
   */
  capabilities?: BackendCapabilities;
  /**
   * Resources left behind after `shutdown`: processes, containers, sockets, files. Each entry is a line a
   * person can act on. Entries present before the suite started are not counted. Default: the live and
   * zombie descendant processes of the Jest worker (see `listDescendantProcesses`), plus processes that
   * were descendants before a shutdown and are still alive elsewhere (orphans).
   */
  listLeaks?: () => Promise<string[]>;
  /**
   * Multiplies every wait, timeout and Jest test timeout of the suite, for slow backends (containers,
   * remote machines). Default 1.
   */
  timeoutScale?: number;
  /** What the session's shell supports; see {@link ShellFeatures}. */
  shellFeatures?: ShellFeatures;
  /**
   * Runs `bash` with these arguments where the backend's sessions run (same programs, same bash), with
   * `env` added, stdin empty, and returns what it printed on stdout. The random-command suite compares
   * the backend with it. Default: the `bash` of this machine. A container backend runs it in its image.
   *
   * @example referenceBash: (args, env) => execFileSync('docker', ['run', '--rm', '--init', ...envFlags(env), image, 'bash', ...args], { encoding: 'utf8' })
   */
  referenceBash?: (args: string[], env: Record<string, string>) => string;
  /** Registers backend-specific tests in their own `describe` block, next to the conformance tests. */
  additionalTests?: (ctx: ConformanceTestContext) => void;
}
