import { type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { z } from 'zod';

/** A subscription node-pty returns from `onData` / `onExit`. */
export interface PtyDisposable {
  /** Removes the listener. */
  dispose(): void;
}

/**
 * The part of node-pty's `IPty` the backend uses. Declared here (not imported from `node-pty`) so this
 * package's types compile without node-pty installed: it is an optional peer.
 */
export interface PtyProcess {
  /** The pid of the shell started on the pty (its session and process group leader). */
  readonly pid: number;
  /** Output of the pty; with `encoding: null` (what the backend asks for) the chunks are `Buffer`s. */
  onData(listener: (data: string) => void): PtyDisposable;
  /** The shell ended: its exit code, or the signal that killed it. */
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): PtyDisposable;
  /** Types into the pty, as keys typed at the terminal. */
  write(data: string | Buffer): void;
  /** Sets the terminal size (the shell's programs receive `SIGWINCH`). */
  resize(columns: number, rows: number): void;
  /** Sends a signal (a name such as `'SIGKILL'`; default `SIGHUP`) to the shell. */
  kill(signal?: string): void;
  /** Stops reading the pty (flow control: the program blocks once the kernel buffer fills). */
  pause(): void;
  /** Reads the pty again after `pause`. */
  resume(): void;
}

/** What the backend passes to `spawn` (a subset of node-pty's `IPtyForkOptions`). */
export interface PtySpawnOptions {
  /** The terminal type, set as `TERM` (e.g. `xterm-256color`). */
  name?: string;
  /** Columns of the terminal. */
  cols?: number;
  /** Rows of the terminal. */
  rows?: number;
  /** The shell's working directory. */
  cwd?: string;
  /** The shell's whole environment (nothing else is inherited). */
  env?: { [key: string]: string | undefined };
  /** `null`: data arrives as bytes (`Buffer`), decoded by the backend. */
  encoding?: string | null;
}

/**
 * Anything with node-pty's `spawn`: `node-pty` itself or a prebuilt build of it with the same API
 * (`@lydell/node-pty`, `@homebridge/node-pty-prebuilt-multiarch`).
 *
 * @example
 * ```ts
 * import * as pty from '@lydell/node-pty';
 * const backend = new NodePtyBackend({ ptyModule: pty });
 * ```
 */
export interface PtyModule {
  /** Starts `file` with `args` on a new pseudo-terminal. Throws when the pty or the process cannot be made. */
  spawn(file: string, args: string[], options: PtySpawnOptions): PtyProcess;
}

const ptyModuleSchema = z.custom<PtyModule>(
  (v) =>
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { spawn?: unknown }).spawn === 'function',
  { message: "expected a module with node-pty's spawn function (e.g. require('node-pty'))" },
);

/** Checks an injected `ptyModule`: `INVALID_CONFIG` naming `ptyModule` unless it has a `spawn` function. */
export function checkPtyModule(candidate: unknown): BackendResult<PtyModule> {
  return parseInput(ptyModuleSchema, candidate, 'ptyModule', 'INVALID_CONFIG');
}
