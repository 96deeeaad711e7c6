import {
  type BackendCapabilities,
  type BackendConfig,
  type BackendErrorCode,
  type BackendResult,
} from '@vth/core';
import { INTERACTIVE_SHELL_CAPABILITIES } from '../interactive-shell-capabilities';
import { type FakeCommandHandler } from './fake-shell';

/** What a memory backend can do: everything but panes, remoteness and isolation. */
export const MEMORY_CAPABILITIES: BackendCapabilities = {
  ...INTERACTIVE_SHELL_CAPABILITIES,
  isolation: 'none',
};

/** The one pane of a memory session. */
export const MEMORY_PANE = '0';

/** Latency of a command in ms, fixed or per command. 0 answers in a microtask. */
export type MemoryLatency = number | ((command: string, sessionId: string) => number);

/** A failure `failNext` injects. */
export interface MemoryFault {
  /** The code of the error the call answers. */
  code: BackendErrorCode;
  /**
   * `false`: the command never reaches the fake shell (not in `ran`). `true`: it runs (its effects happen,
   * it is in `ran`) and the answer is lost: the case where retrying elsewhere would run it twice.
   */
  dispatched: boolean;
  /** The error's message. Default `injected <code>`. */
  message?: string;
  /** Which calls fail: commands (`executeCommand`, each command of `executeBatch`) or `createSession`. */
  on?: 'command' | 'createSession';
}

/** One command the backend actually ran. */
export interface MemoryRun {
  /** The session it ran in. */
  sessionId: string;
  /** Its text, as the caller sent it. */
  command: string;
  /** When it started, by the backend's `now` clock. */
  startedAt: number;
}

/** How a `MemoryBackend` behaves; every field has a default. */
export interface MemoryBackendOptions {
  /** Default: a generated `<type>-…` id. `initialize({ id })` may change it, as on real backends. */
  id?: string;
  /** Default `'memory'`. */
  type?: string;
  /** Overrides of `MEMORY_CAPABILITIES` (it does not change what the backend does, only what it claims). */
  capabilities?: Partial<BackendCapabilities>;
  /** Default 0. */
  latencyMs?: MemoryLatency;
  /** Default `fakeShellHandler`. */
  handler?: FakeCommandHandler;
  /** Working directory of new sessions without `cwd`. Default `/home/fake`. */
  cwd?: string;
  /** Environment of every new session, under the session's own `env`. Default `{ HOME: '/home/fake' }`. */
  env?: Record<string, string>;
  /** Answer `NOT_INITIALIZED` until `initialize` is called, as real backends do. Default false. */
  requireInitialize?: boolean;
  /** Sessions beyond this are refused with `BUSY`. Default: no limit. */
  maxSessions?: number;
  /** Clock for `startedAt`, `createdAt` and `checkedAt`. Default `Date.now`. */
  now?: () => number;
  /**
   * Decides how `initialize` answers once the backend has started (default: success). Its answer is
   * returned as it is, even a malformed one: for testing what a caller does with it.
   */
  onInitialize?: (config: BackendConfig) => Promise<BackendResult<void>>;
  /** The plugin config the backend was created with (see `memoryPlugin`), kept as `createdWith`. */
  createdWith?: unknown;
}
