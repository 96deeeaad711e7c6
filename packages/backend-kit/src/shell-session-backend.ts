import { stat } from 'node:fs/promises';
import { fail, ok, type BackendResult } from '@vth/core';
import {
  commandEvents,
  resolveExecutable,
  ShellCommandRunner,
  type ShellCommandRunnerOptions,
} from '@vth/shell-integration';
import { emitPaneOutput } from './pane-output';
import { SessionBackend, type SessionOptions } from './session-backend';
import {
  type BackendSession,
  type PaneOutput,
  type SessionBackendConfig,
  type SessionPane,
} from './session-parts';

/** The fields of a shell backend's config its runners use. */
export interface ShellBackendConfig extends SessionBackendConfig {
  /** The working directory of sessions that name none (default: this process's). */
  cwd?: string | undefined;
  /** Output kept per command when its context sets no `maxOutputBytes`. */
  maxOutputBytes: number;
  /** After Ctrl-C, how long a command gets to end before SIGTERM of its process group. */
  interruptGraceMs: number;
  /** After SIGTERM (and again after SIGKILL), how long to wait for the command to end. */
  killGraceMs: number;
}

/** A pane a runner is made for: its ids and where its output goes. */
export interface ShellPaneSpec {
  /** The session the pane belongs to, carried by its executions and events. */
  sessionId: string;
  /** The pane's id within its session, carried by its executions and events. */
  paneId: string;
  /** Where the pane's bytes go besides its commands. */
  output: PaneOutput;
}

/**
 * A {@link SessionBackend} whose panes are interactive shells driven by `ShellCommandRunner`: it makes each
 * pane's runner wired the same way (limits from the config, output to `output` events and the scrollback,
 * commands to metrics and `command-*` events), and resolves shells and working directories on this
 * machine for the backends whose shells run here.
 *
 * @example
 * ```ts
 * const output = { decoder: new StringDecoder('utf8'), scrollback: new BoundedOutputBuffer(1 << 20) };
 * const runner = this.shellRunner(
 *   { sessionId: id, paneId: '0', output },
 *   { transport: { write: (d) => pty.write(d) }, dialect: dialectForShell(shell) },
 * );
 * ```
 */
export abstract class ShellSessionBackend<
  S extends BackendSession,
  C extends ShellBackendConfig,
  P extends SessionPane = S & SessionPane,
> extends SessionBackend<S, C, P> {
  /** The default shell of new sessions, resolved at `start` (see `resolveShell`). */
  protected shellPath = '';

  /** A runner for a pane, wired to this backend's config, metrics and events. */
  protected shellRunner(
    pane: ShellPaneSpec,
    options: Pick<ShellCommandRunnerOptions, 'transport' | 'dialect' | 'onlcr' | 'exitLingerMs'>,
  ): ShellCommandRunner {
    const { sessionId, paneId, output } = pane;
    const cfg = this.config!;
    return new ShellCommandRunner({
      ...options,
      sessionId,
      paneId,
      backendId: this.id,
      maxOutputBytes: cfg.maxOutputBytes,
      interruptGraceMs: cfg.interruptGraceMs,
      killGraceMs: cfg.killGraceMs,
      onOutput: (data, commandId) => emitPaneOutput(this, output, sessionId, paneId, data, commandId),
      ...commandEvents(this, this.metrics, sessionId, paneId),
    });
  }

  /** The configured shell found on this machine: `UNAVAILABLE` when it is not. */
  protected async resolveShell(shell: string): Promise<BackendResult<string>> {
    const path = await resolveExecutable(shell);
    if (!path) {
      return fail('UNAVAILABLE', `shell "${shell}" was not found (looked in PATH)`, { backendId: this.id });
    }
    return ok(path);
  }

  /**
   * Where a new session's shell starts on this machine, and which shell: `INVALID_INPUT` for a cwd that is
   * not an existing directory or a shell that is not found.
   */
  protected async localShell(
    options: SessionOptions,
    config: C,
  ): Promise<BackendResult<{ cwd: string; shell: string }>> {
    const cwd = options.cwd ?? config.cwd ?? process.cwd();
    const isDirectory = await stat(cwd).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDirectory) {
      return fail('INVALID_INPUT', `invalid options.cwd: "${cwd}" is not an existing directory`, {
        backendId: this.id,
      });
    }
    if (options.shell === undefined) return ok({ cwd, shell: this.shellPath });
    const shell = await resolveExecutable(options.shell);
    if (!shell) {
      return fail('INVALID_INPUT', `invalid options.shell: "${options.shell}" was not found`, {
        backendId: this.id,
      });
    }
    return ok({ cwd, shell });
  }
}
