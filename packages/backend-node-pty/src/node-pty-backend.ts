import { StringDecoder } from 'node:string_decoder';
import {
  INTERACTIVE_SHELL_CAPABILITIES,
  ShellSessionBackend,
  capacityHealth,
  notReadyHealth,
  type BackendSession,
  type SessionOptions,
} from '@vth/backend-kit';
import {
  fail,
  ok,
  toBackendError,
  type BackendCapabilities,
  type BackendConfig,
  type BackendHealth,
  type BackendResult,
} from '@vth/core';
import { BoundedOutputBuffer, createId, thrownMessage } from '@vth/core/kit';
import {
  dialectForShell,
  shellEnvironment,
  execLimitProblem,
  exhaustionHint,
  signalForegroundGroup,
  shellOwnsTerminal,
  type ShellCommandRunner,
} from '@vth/shell-integration';
import { nodePtyConfigSchema, type NodePtyConfig, type NodePtyConfigInput } from './config';
import { loadNodePty } from './load-node-pty';
import { checkPtyModule, type PtyModule, type PtyProcess } from './pty-module';
import { type ProcessEntry } from './process-table';
import { endShells, SessionProcesses } from './session-processes';

/**
 * What the node-pty backend can do: the interactive-shell set (one pane per session, exit codes, cwd
 * tracking, long commands; `isolation: 'process'`, nothing beyond the OS user) plus `flowControl`.
 */
export const NODE_PTY_CAPABILITIES: BackendCapabilities = {
  ...INTERACTIVE_SHELL_CAPABILITIES,
  flowControl: true,
};

/** The constructor's options: the config, plus the pty module (not config: it is code, not data). */
export interface NodePtyBackendOptions extends NodePtyConfigInput {
  /**
   * The pty module to spawn shells with: anything with node-pty's `spawn` (a prebuilt build such as
   * `@lydell/node-pty`, or a wrapper). Default: `require('node-pty')`, loaded at `initialize`. Checked at
   * `initialize` (`INVALID_CONFIG` naming `ptyModule` when it has no `spawn` function).
   */
  ptyModule?: PtyModule | undefined;
}

/** The one pane of a node-pty session. */
export const NODE_PTY_PANE = '0';

interface PtySession extends BackendSession {
  pty: PtyProcess;
  pid: number;
  runner: ShellCommandRunner;
  output: { decoder: StringDecoder; scrollback: BoundedOutputBuffer };
  exited: Promise<void>;
  hasExited: boolean;
  /** Everything the session started, followed until it is gone. */
  processes: SessionProcesses;
  /** Set once the session is being ended: resolves when its shell and every process it started are gone. */
  ending: Promise<void> | undefined;
  /** `pauseOutput` stopped reading the pty. */
  paused: boolean;
}

/**
 * A backend that runs each session in a local shell on a pseudo-terminal (node-pty): the lowest-latency
 * backend, needing nothing but a shell. One pane per session (`'0'`).
 *
 * @example
 * ```ts
 * const backend = new NodePtyBackend();
 * await backend.initialize({ shell: 'bash' });
 * const s = await backend.createSession({ cwd: '/tmp' });
 * if (s.ok) console.log(await backend.executeCommand(s.value.id, 'ls'));
 * await backend.shutdown();
 * ```
 */
export class NodePtyBackend extends ShellSessionBackend<PtySession, NodePtyConfig> {
  readonly type = 'node-pty';
  readonly capabilities = NODE_PTY_CAPABILITIES;
  private pty: PtyModule | null = null;
  private readonly ptyModule: unknown;
  /** Sessions being ended (destroyed, shut down, or sweeping up after a shell that exited by itself). */
  private readonly endings = new Set<Promise<void>>();

  constructor({ ptyModule, ...config }: NodePtyBackendOptions = {}) {
    super({ id: config.id ?? createId('pty'), initial: config, singlePane: NODE_PTY_PANE });
    this.ptyModule = ptyModule;
  }

  protected async start(config: BackendConfig): Promise<BackendResult<void>> {
    const parsed = this.parseConfig(nodePtyConfigSchema, config);
    if (!parsed.ok) return parsed;
    const loaded = this.ptyModule === undefined ? loadNodePty() : checkPtyModule(this.ptyModule);
    if (!loaded.ok) return loaded;
    const shell = await this.resolveShell(parsed.value.shell);
    if (!shell.ok) return shell;
    this.adopt(parsed.value);
    this.pty = loaded.value;
    this.shellPath = shell.value;
    return ok();
  }

  protected async openSession(
    id: string,
    o: SessionOptions,
    config: NodePtyConfig,
  ): Promise<BackendResult<PtySession>> {
    const where = await this.localShell(o, config);
    if (!where.ok) return where;
    const { cwd, shell } = where.value;
    const dialect = dialectForShell(shell);
    const env = shellEnvironment({
      inherit: config.inheritEnv,
      profile: o.profile ?? config.profile,
      layers: [config.env, o.env],
      term: config.term,
    });
    const args = config.shellArgs ?? [...dialect.spawnArgs];
    const tooBig = execLimitProblem(env, [shell, ...args]);
    if (tooBig) return fail('INVALID_INPUT', `invalid options.env: ${tooBig}`, { backendId: this.id });
    // shutdown() may have run while this call awaited: a shell started now would outlive it.
    const stillReady = this.ready();
    if (!stillReady.ok) return stillReady;
    let pty: PtyProcess;
    try {
      pty = this.pty!.spawn(shell, args, {
        name: config.term,
        cols: o.cols ?? config.cols,
        rows: o.rows ?? config.rows,
        cwd,
        env,
        encoding: null,
      });
    } catch (e) {
      // node-pty says only "forkpty(3) failed." whether the ptys or the descriptors ran out: find which.
      const why = exhaustionHint(thrownMessage(e));
      if (why) {
        return fail(
          'UNAVAILABLE',
          `could not start ${shell} on a pseudo-terminal (${thrownMessage(e)}): ${why}`,
          {
            dispatched: false,
            backendId: this.id,
            cause: e,
            details: { hint: why },
          },
        );
      }
      return fail(toBackendError(e, 'UNAVAILABLE', { dispatched: false, backendId: this.id }));
    }
    const pid = pty.pid;
    const output = {
      decoder: new StringDecoder('utf8'),
      scrollback: new BoundedOutputBuffer(config.scrollbackBytes, { headBytes: 0 }),
    };
    const runner = this.shellRunner(
      { sessionId: id, paneId: NODE_PTY_PANE, output },
      {
        transport: {
          write: (data) => pty.write(data),
          signalForeground: (signal) => signalForegroundGroup(pid, signal),
          shellInForeground: () => shellOwnsTerminal(pid),
          terminate: () => {
            // The shell no longer answers vth (replaced by `exec`): end it rather than keep a dead session.
            session.closing ??= 'crashed';
            void this.end([session]);
          },
        },
        dialect,
      },
    );
    let exited!: () => void;
    const session: PtySession = {
      id,
      pty,
      pid,
      runner,
      createdAt: Date.now(),
      ...(o.labels ? { labels: o.labels } : {}),
      output,
      closing: null,
      exited: new Promise<void>((r) => (exited = r)),
      hasExited: false,
      processes: new SessionProcesses(pid),
      ending: undefined,
      paused: false,
    };
    pty.onData((chunk) => runner.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    pty.onExit(({ exitCode, signal }) => {
      runner.close({
        exitCode,
        signal: signal || null,
        ...(session.closing && session.closing !== 'crashed'
          ? {
              intentional: true,
              reason: `the session was ${session.closing === 'shutdown' ? 'shut down' : 'destroyed'}`,
            }
          : {}),
      });
      session.hasExited = true;
      session.processes.shellExited();
      if (!session.ending) this.trackEnding(session, this.sweep(session));
      if (this.sessions.get(id) === session) this.sessions.delete(id);
      this.metrics.sessionClosed();
      this.emit('session-closed', {
        sessionId: id,
        reason: session.closing ?? 'exited',
        exitCode,
        signal: signal || null,
      });
      exited();
    });
    this.sessions.set(id, session);
    pty.write(runner.bootstrapText());
    const readyResult = await runner.ready(config.readyTimeoutMs);
    if (!readyResult.ok || session.ending) {
      session.closing ??= 'crashed';
      await this.end([session]);
      const still = this.ready();
      if (!still.ok) return still;
      return readyResult.ok ? fail('INTERNAL', 'the session ended as it started') : readyResult;
    }
    session.processes.identify();
    // Scrollback starts with the session: the bootstrap line and the first prompt are vth's, not the user's.
    output.scrollback.clear();
    return ok(session);
  }

  protected async resizePane(session: PtySession, cols: number, rows: number): Promise<BackendResult<void>> {
    try {
      session.pty.resize(cols, rows);
    } catch (e) {
      return fail(toBackendError(e, 'SESSION_NOT_FOUND', { dispatched: false, backendId: this.id }));
    }
    return ok();
  }

  /**
   * Stops reading the session's pty (node-pty's `pause`): a program writing to it blocks in the kernel
   * once the pty's buffer is full, and commands wait for their output to be read. See `resumeOutput`.
   */
  async pauseOutput(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    this.setPaused(target.value, true);
    return ok();
  }

  /**
   * Reads the session's pty again after `pauseOutput` (node-pty's `resume`); resuming an unpaused session
   * does nothing. `SESSION_NOT_FOUND` / `PANE_NOT_FOUND` for an unknown target,
   * `NOT_INITIALIZED` outside `initialize`..`shutdown`.
   */
  async resumeOutput(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    this.setPaused(target.value, false);
    return ok();
  }

  private setPaused(session: PtySession, paused: boolean): void {
    if (session.paused === paused) return;
    session.paused = paused;
    if (paused) session.pty.pause();
    else session.pty.resume();
  }

  async getHealth(): Promise<BackendHealth> {
    const checkedAt = Date.now();
    if (this.state !== 'ready') return notReadyHealth(this.state, checkedAt);
    const max = this.config!.maxSessions;
    const active = this.sessions.size;
    return capacityHealth(
      active,
      max,
      { checkedAt },
      { sessions: active, maxSessions: max, shell: this.shellPath },
    );
  }

  protected endSessions(sessions: readonly PtySession[]): Promise<void> {
    return this.end(sessions);
  }

  protected override async stop(): Promise<void> {
    await this.endAllSessions();
    // Sweeps after shells that exited by themselves, and ends started before this call.
    while (this.endings.size > 0) await Promise.all(this.endings);
  }

  /** Ends these sessions (joining the end of those already ending); resolves once all of them are gone. */
  private async end(sessions: readonly PtySession[]): Promise<void> {
    const fresh = sessions.filter((s) => !s.ending);
    if (fresh.length > 0) {
      const ending = this.endTogether(fresh);
      for (const s of fresh) this.trackEnding(s, ending);
    }
    await Promise.all(sessions.map((s) => s.ending));
  }

  private trackEnding(session: PtySession, ending: Promise<void>): void {
    session.ending = ending;
    if (this.endings.has(ending)) return;
    this.endings.add(ending);
    void ending.finally(() => this.endings.delete(ending));
  }

  /** Ends sessions together (see `endShells`), then reports any process that survived. */
  private async endTogether(sessions: readonly PtySession[]): Promise<void> {
    for (const s of sessions) s.runner.markClosing();
    // A paused pty would hold back the shell's last output and its end of file.
    for (const s of sessions) this.setPaused(s, false);
    this.reportSurvivors(sessions, await endShells(sessions, this.config?.killGraceMs ?? 500));
    for (const s of sessions) if (this.sessions.get(s.id) === s) this.sessions.delete(s.id);
  }

  /** After a shell that exited by itself: what it left running (nohup'd jobs) ends with it. */
  private async sweep(session: PtySession): Promise<void> {
    this.reportSurvivors([session], await SessionProcesses.sweep([session.processes]));
  }

  private reportSurvivors(sessions: readonly PtySession[], survivors: readonly ProcessEntry[]): void {
    if (survivors.length === 0) return;
    const which = sessions.length === 1 ? `session ${sessions[0]!.id}` : `${sessions.length} sessions`;
    this.error(
      'INTERNAL',
      `processes of ${which} survived SIGKILL (uninterruptible sleep?): pids ${survivors.map((e) => e.pid).join(', ')}`,
    );
  }
}
