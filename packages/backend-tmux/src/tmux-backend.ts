import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  INTERACTIVE_SHELL_CAPABILITIES,
  ShellSessionBackend,
  capacityHealth,
  notReadyHealth,
  type SessionOptions,
} from '@vth/backend-kit';
import {
  BackendError,
  fail,
  ok,
  type BackendCapabilities,
  type BackendConfig,
  type BackendHealth,
  type BackendResult,
  type SessionClosedEvent,
} from '@vth/core';
import { createId, emitErrorSafely, lookupSession, parseInput } from '@vth/core/kit';
import {
  dialectForShell,
  shellEnvironment,
  profileEnvironment,
  execLimitProblem,
} from '@vth/shell-integration';
import { tmuxConfigSchema, type TmuxConfig, type TmuxConfigInput } from './config';
import { capturePaneText } from './pane-capture';
import { waitForPtySize } from './pty-size';
import { TmuxServerConnection } from './server-connection';
import { type TmuxControlClient } from './control-client';
import { newSessionCommands, ownServerSettings } from './session-commands';
import { newSessionRefusal } from './session-refusals';
import { parseNewPane } from './tmux-formats';
import {
  paneShellCommand,
  splitPaneOptionsSchema,
  TmuxPanes,
  type SplitPaneOptions,
  type TmuxPane,
  type TmuxSession,
} from './tmux-panes';
import { quoteTmuxArg } from './tmux-quote';
import { checkTmuxVersion } from './tmux-version';

export { type SplitPaneOptions } from './tmux-panes';

/**
 * What the tmux backend can do: the interactive-shell set (exit codes, cwd tracking, long commands,
 * `isolation: 'process'`) plus several panes per session (`splitPane`).
 */
export const TMUX_CAPABILITIES: BackendCapabilities = {
  ...INTERACTIVE_SHELL_CAPABILITIES,
  multiplePanes: true,
};

/** How long a server of our own gets to answer `kill-server` before it is ended by pid. */
const SHUTDOWN_ANSWER_MS = 2000;

/**
 * A backend that runs each session in a tmux session, driven over one control-mode client per server:
 * commands and replies on one pipe, pane output from `%output`, command completion from
 * `@vth/shell-integration` marks. No `capture-pane` polling, no sleeps; the tmux CLI is spawned only to
 * start the server. Sessions are real tmux sessions: `tmux -S <socket> attach -t <session>` watches one.
 *
 * The class itself applies none of the security keys of its config (`security`, `policy`, `confirm`,
 * `auditSink`, `redact`): those are a layer in front of it, which `createTmuxBackend(config)`, the plugin
 * (so the factory) and a manager's backend spec put there. Build it with those when you use them.
 *
 * @example
 * ```ts
 * const backend = new TmuxBackend();
 * await backend.initialize({ socketPath: '/tmp/vth.sock' });
 * const s = await backend.createSession({ sessionId: 'build' });
 * if (s.ok) await backend.executeCommand(s.value.id, 'make -j8', undefined, { timeoutMs: 600_000 });
 * ```
 */
export class TmuxBackend extends ShellSessionBackend<TmuxSession, TmuxConfig, TmuxPane> {
  readonly type = 'tmux';
  readonly capabilities = TMUX_CAPABILITIES;
  private crashReason = '';
  private readonly server = new TmuxServerConnection(() => this.id, {
    wanted: () => this.state === 'ready',
    output: (paneId, data) => this.panes.get(paneId)?.runner.feed(data),
    panesChanged: () => this.panes.scheduleReconcile(),
    reconnected: (reason) => this.panes.resync(reason),
    lost: (reason) => this.crash(reason),
    refused: (message) => {
      // Keys that tmux refused never reached the pane: report it, the command will time out or fail.
      const error = new BackendError('INTERNAL', message, { backendId: this.id, dispatched: false });
      this.metrics.error(error);
      emitErrorSafely(this, error);
    },
  });
  /** A private directory for captures (see pane-capture.ts). */
  private workDir: string | null = null;
  private captures = 0;
  private readonly panes = new TmuxPanes({
    client: () => this.client,
    liveClient: () => this.liveClient(),
    config: () => this.config!,
    ready: () => this.state === 'ready',
    started: this.server.started,
    sessions: this.sessions,
    shellRunner: (pane, options) => this.shellRunner(pane, options),
    sessionClosed: (session, reason) => this.forgetSession(session, reason),
  });

  constructor(config: TmuxConfigInput = {}) {
    super({ id: config.id ?? createId('tmux'), initial: config, healthEvents: true });
  }

  /** The server's socket: `tmux -S <socketPath> attach -t <session>` watches a session. */
  get socket(): string {
    return this.server.socketPath;
  }

  /** The control client of the moment (replaced when it dies while the server lives on). */
  private get client() {
    return this.server.client;
  }

  /**
   * The control client, once a replacement under way has taken over; `UNAVAILABLE` (nothing was sent) when
   * there is none.
   */
  private async liveClient(): Promise<BackendResult<TmuxControlClient>> {
    if (!this.client) await this.server.settled();
    const client = this.client;
    if (client) return ok(client);
    return fail('UNAVAILABLE', 'the tmux control client died and was not replaced', {
      backendId: this.id,
      dispatched: false,
    });
  }

  protected async start(config: BackendConfig): Promise<BackendResult<void>> {
    const parsed = this.parseConfig(tmuxConfigSchema, config);
    if (!parsed.ok) return parsed;
    const cfg = parsed.value;
    const version = await checkTmuxVersion(cfg.tmuxPath);
    if (!version.ok) {
      return fail('UNAVAILABLE', `${version.reason} (hint: ${version.hint})`, {
        backendId: this.id,
        details: { reason: version.reason, hint: version.hint },
      });
    }
    const shell = await this.resolveShell(cfg.shell);
    if (!shell.ok) return shell;
    this.adopt(cfg);
    this.shellPath = shell.value;
    const opened = await this.server.open(cfg);
    if (!opened.ok) return opened;
    try {
      this.workDir ??= mkdtempSync(join(tmpdir(), 'vth-tmux-work-'));
    } catch (e) {
      return fail('UNAVAILABLE', `cannot make a private directory for captures: ${(e as Error).message}`, {
        backendId: this.id,
      });
    }
    // A server of our own: settings that make panes predictable for everyone attaching to it.
    if (this.server.ownsServer) {
      const live = await this.liveClient();
      if (!live.ok) return live;
      await live.value.commands(ownServerSettings(cfg));
    }
    this.crashReason = '';
    return ok();
  }

  protected async openSession(
    id: string,
    o: SessionOptions,
    cfg: TmuxConfig,
  ): Promise<BackendResult<TmuxSession>> {
    const where = await this.localShell(o, cfg);
    if (!where.ok) return where;
    const { cwd, shell } = where.value;
    const live = await this.liveClient();
    if (!live.ok) return live;
    const client = live.value;
    // The profile's variables go to each session, not to the server: a shared server's other sessions,
    // and this backend's `terminal` sessions, must not get them.
    const sessionEnv = { ...profileEnvironment(o.profile ?? cfg.profile), ...cfg.env, ...o.env };
    const tooBig = execLimitProblem(
      { ...shellEnvironment({ inherit: cfg.inheritEnv, profile: 'terminal' }), ...sessionEnv },
      [shell, ...(cfg.shellArgs ?? dialectForShell(shell).spawnArgs)],
    );
    if (tooBig) return fail('INVALID_INPUT', `invalid options.env: ${tooBig}`, { backendId: this.id });
    const [first, ...more] = newSessionCommands({
      id,
      cols: o.cols ?? cfg.cols,
      rows: o.rows ?? cfg.rows,
      cwd,
      env: sessionEnv,
      shellCommand: paneShellCommand(shell, cfg),
      controlSession: this.server.controlSession,
      ownsServer: this.server.ownsServer,
      backendId: this.id,
    });
    // Written in this order at once; each answers on its own.
    const [created, ...rest] = await Promise.all([
      client.command(first!, (late) => this.endLateSession(client, late)),
      ...more.map((line) => client.command(line)),
    ]);
    if (!created!.ok) return newSessionRefusal(created!.error, id, this.server.serverPid ?? 'self', this.id);
    const made = parseNewPane(created!.value[0]);
    if (!made) {
      await client.command(`kill-session -t ${quoteTmuxArg(`=${id}`)}`);
      return fail('INTERNAL', `tmux answered new-session with "${created!.value[0]}"`, {
        backendId: this.id,
      });
    }
    this.server.started.session(made.tmuxSessionId);
    const session: TmuxSession = {
      id,
      tmuxId: made.tmuxSessionId,
      createdAt: Date.now(),
      ...(o.labels ? { labels: o.labels } : {}),
      panes: [],
      windows: new Set([made.windowId]),
      cwd,
      shell,
      closing: null,
    };
    this.sessions.set(id, session);
    const failed = rest.find((r) => !r.ok);
    const pane = failed ? null : await this.panes.attach(session, made);
    if (failed || !pane?.ok) {
      session.closing = 'crashed';
      await this.panes.killSessionWindows(session);
      this.sessions.delete(id);
      return fail(failed && !failed.ok ? failed.error : (pane as { error: BackendError }).error);
    }
    return ok(session);
  }

  /**
   * tmux made a session after its create had timed out (`TIMEOUT`, `dispatched: true`): nobody uses it, so
   * it goes at once, by ids (a session of the same name may be someone else's); its shell is watched like
   * any other until shutdown.
   */
  private endLateSession(client: TmuxControlClient, late: BackendResult<string[]>): void {
    const made = late.ok ? parseNewPane(late.value[0]) : null;
    if (!made) return;
    this.server.started.session(made.tmuxSessionId);
    this.server.started.shell(made.pid);
    void client.commands([`kill-window -t ${made.windowId}`, `kill-session -t ${made.tmuxSessionId}`]);
  }

  /**
   * Splits a pane of the session (tmux `split-window`); the new pane runs its own shell in the session's
   * first directory and takes commands through `paneId`.
   *
   * @example `const pane = await backend.splitPane(sessionId, { direction: 'horizontal' });`
   */
  async splitPane(sessionId: string, options: SplitPaneOptions = {}): Promise<BackendResult<string>> {
    const found = this.lookup(sessionId);
    if (!found.ok) return this.record(found);
    const session = found.value;
    const opts = parseInput(splitPaneOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return this.record(opts);
    const max = this.config!.maxPanesPerSession;
    if (session.panes.length >= max) {
      return this.error('BUSY', `session "${sessionId}" already has its maximum of ${max} panes`);
    }
    const base = this.panes.find(session, opts.value.paneId);
    if (!base.ok) return this.record(base);
    return this.record(await this.panes.split(session, base.value.id, opts.value));
  }

  /** Closes one pane of a session (not its last: destroy the session for that). */
  async closePane(sessionId: string, paneId: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const pane = target.value;
    if (pane.session.panes.length === 1) {
      return this.error(
        'INVALID_INPUT',
        `pane "${paneId}" is the last pane of session "${sessionId}"; destroy the session instead`,
      );
    }
    const live = await this.liveClient();
    if (!live.ok) return this.record(live);
    pane.runner.markClosing();
    await live.value.command(`kill-pane -t ${pane.id}`);
    this.panes.drop(pane, { exitCode: null, intentional: true, reason: 'the pane was closed' });
    return ok();
  }

  /** A create keeps its turn until the new pane's shell is ready (see `waitForShell`). */
  protected override stillStarting(session: TmuxSession): Promise<unknown> | undefined {
    return this.panes.get(session.panes[0] ?? '')?.starting;
  }

  protected override async captureText(
    pane: TmuxPane,
    lines: number | undefined,
  ): Promise<BackendResult<string>> {
    const live = await this.liveClient();
    if (!live.ok) return live;
    const name = `vth-capture-${this.id}-${++this.captures}`;
    return capturePaneText(live.value, pane.id, this.workDir!, name, lines);
  }

  protected async resizePane(
    pane: TmuxPane,
    cols: number,
    rows: number,
    paneId: string | undefined,
  ): Promise<BackendResult<void>> {
    const whole = paneId === undefined && pane.session.panes.length === 1;
    const line = whole
      ? `resize-window -t ${pane.windowId} -x ${cols} -y ${rows}`
      : `resize-pane -t ${pane.id} -x ${cols} -y ${rows}`;
    const live = await this.liveClient();
    if (!live.ok) return live;
    const resized = await live.value.command(line);
    if (!resized.ok) return resized;
    // Wait until the terminal has the new size, so the next command sees the size it was promised.
    if (whole) await waitForPtySize(pane.tty, cols, rows, 1000);
    return ok();
  }

  async getHealth(): Promise<BackendHealth> {
    const checkedAt = Date.now();
    if (this.state !== 'ready' || !this.client?.alive) {
      if (this.state !== 'ready' && this.state !== 'crashed') return notReadyHealth(this.state, checkedAt);
      const why = this.crashReason || 'the control client ended';
      return { status: 'unhealthy', message: `the tmux server is gone: ${why}`, checkedAt };
    }
    // A real round trip through the control client and the server.
    const t0 = performance.now();
    const probe = await this.client.command("display-message -p '#{pid}'");
    const latencyMs = performance.now() - t0;
    if (!probe.ok) return { status: 'unhealthy', message: probe.error.message, checkedAt, latencyMs };
    return capacityHealth(
      this.sessions.size,
      this.config!.maxSessions,
      { checkedAt, latencyMs },
      { sessions: this.sessions.size, serverPid: Number(probe.value[0]), socket: this.server.socketPath },
    );
  }

  /**
   * Ends everything the backend started and resolves when it is gone: on a server of its own, the server
   * (asked with `kill-server`; by pid, SIGTERM then SIGKILL, when it does not answer in time or the control
   * client is gone), the control client, and every process in its panes; on a shared server, the sessions
   * it made and its control session. Shells that ignore the hangup are SIGKILLed after `killGraceMs`.
   */
  protected override async stop(wasReady: boolean): Promise<void> {
    // A control client being replaced: let the replacement finish, then end it like the first.
    await this.server.settled();
    // On a server of our own the sessions go with the server: no command per session, so a server that
    // does not answer cannot hold the shutdown up.
    if (wasReady) await this.endAllSessions();
    const left = await this.server.close({
      wasReady,
      graceMs: this.config?.killGraceMs ?? 500,
      answerMs: Math.min(this.config?.commandTimeoutMs ?? SHUTDOWN_ANSWER_MS, SHUTDOWN_ANSWER_MS),
    });
    this.panes.stopReaping();
    if (left.length > 0) {
      const pids = left.map((p) => p.pid).join(', ');
      const error = new BackendError('INTERNAL', `processes did not exit after SIGKILL: ${pids}`, {
        backendId: this.id,
      });
      emitErrorSafely(this, error);
    }
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
  }

  // ---- lookups ----

  protected override ready(): BackendResult<TmuxConfig> {
    if (this.state === 'crashed') {
      return fail('UNAVAILABLE', `${this.crashReason}; call initialize() to start a new server`, {
        backendId: this.id,
      });
    }
    return super.ready();
  }

  protected override lookup(sessionId: string): BackendResult<TmuxSession> {
    const ready = this.ready();
    if (!ready.ok) return ready;
    if (!this.client?.alive) {
      // Between a control client's death and its replacement: nothing can reach the panes right now.
      return fail('UNAVAILABLE', 'the connection to tmux is being re-established; try again', {
        backendId: this.id,
      });
    }
    return lookupSession(this.table, sessionId);
  }

  protected override target(sessionId: string, paneId: string | undefined): BackendResult<TmuxPane> {
    const found = this.lookup(sessionId);
    return found.ok ? this.panes.find(found.value, paneId) : found;
  }

  protected override paneIdOf(pane: TmuxPane): string {
    return pane.id;
  }

  protected override describePanes(session: TmuxSession) {
    return {
      cwd: this.panes.get(session.panes[0] ?? '')?.runner.cwd,
      panes: [...session.panes],
      alive: session.closing === null && session.panes.length > 0,
    };
  }

  // ---- the server's fate ----

  private crash(reason: string): void {
    if (this.state !== 'ready') return;
    this.state = 'crashed';
    this.crashReason = reason;
    for (const session of this.sessions.values()) session.closing = 'crashed';
    this.panes.dropAll(reason);
    void this.reportHealth();
    emitErrorSafely(
      this,
      new BackendError('BACKEND_CRASHED', reason, { backendId: this.id, dispatched: true }),
    );
  }

  // ---- sessions ----

  private forgetSession(session: TmuxSession, reason: SessionClosedEvent['reason']): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    this.metrics.sessionClosed();
    this.emit('session-closed', { sessionId: session.id, reason });
  }

  protected async endSessions(
    sessions: readonly TmuxSession[],
    reason: 'destroyed' | 'shutdown',
  ): Promise<void> {
    // At shutdown on a server of our own, the server goes next, and the sessions with it.
    const inTmux = reason === 'destroyed' || !this.server.ownsServer;
    await Promise.all(sessions.map((s) => this.panes.endSession(s, reason, inTmux)));
  }
}
