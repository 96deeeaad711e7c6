import { type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { z } from 'zod';

/** A subscription node-pty returns from `onData` / `onExit`. */
export interface PtyDisposable {
  dispose(): void;
}

/**
 * The part of node-pty's `IPty` the backend uses. Declared here (not imported from `node-pty`) so this
 * package's types compile without node-pty installed: it is an optional peer.
 */
export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: string) => void): PtyDisposable;
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): PtyDisposable;
  write(data: string | Buffer): void;
  resize(columns: number, rows: number): void;
  kill(signal?: string): void;
  pause(): void;
  resume(): void;
}

/** What the backend passes to `spawn` (a subset of node-pty's `IPtyForkOptions`). */
export interface PtySpawnOptions {
  name?: string;
  cols?: number;
  rows?: number;
  cwd?: string;
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
