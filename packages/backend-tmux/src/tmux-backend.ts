import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import {
  BackendError,
  captureOptionsSchema,
  createId,
  createSessionOptionsSchema,
  emitErrorSafely,
  parseExecutionContext,
  fail,
  MetricsRecorder,
  ok,
  paneIdSchema,
  parseInput,
  sessionIdSchema,
  terminalSizeSchema,
  type BackendCapabilities,
  type BackendConfig,
  type BackendEventMap,
  type BackendHealth,
  type BackendMetrics,
  type BackendResult,
  type CaptureOptions,
  type CommandExecution,
  type CreateSessionOptions,
  type ExecutionContext,
  type HealthStatus,
  type ITerminalBackend,
  type SessionClosedEvent,
  type SessionInfo,
  callSchemas,
  claimSessionId,
  type CallSchemas,
} from '@vth/core';
import {
  dialectForShell,
  killSessionMembers,
  readProcStat,
  resolveExecutable,
  commandEvents,
  ShellCommandRunner,
  shellEnvironment,
  profileEnvironment,
  execLimitProblem,
  signalForegroundGroup,
  shellOwnsTerminal,
} from '@vth/shell-integration';
import { z } from 'zod';
import { tmuxConfigSchema, type TmuxConfig, type TmuxConfigInput } from './config';
import { TmuxControlClient } from './control-client';
import { capturePaneLines } from './pane-capture';
import { readPtySize } from './pty-size';
import { checkServerOwner, claimSocketPath, removeStaleSocket, serverAnswers } from './server-socket';
import { StartedProcesses } from './started-processes';
import {
  NEW_PANE_FORMAT,
  PANE_ROW_FORMAT,
  parseNewPane,
  parsePaneRows,
  parseServer,
  SERVER_FORMAT,
  type NewPane,
} from './tmux-formats';
import { quoteTmuxArg, quoteTmuxFormatArg } from './tmux-quote';
import { checkTmuxVersion } from './tmux-version';

export const TMUX_CAPABILITIES: BackendCapabilities = {
  persistentSessions: true,
  multiplePanes: true,
  resize: true,
  interrupt: true,
  sendInput: true,
  capture: true,
  streaming: true,
  exitCodes: true,
  cwdTracking: true,
  isolation: 'process',
  remote: false,
};

interface Pane {
  id: string;
  pid: number;
  /** The pane's terminal device (`#{pane_tty}`). */
  tty: string;
  sessionId: string;
  windowId: string;
  runner: ShellCommandRunner;
  decoder: StringDecoder;
}

interface Session {
  id: string;
  /** tmux's id of the session (`$<n>`). */
  tmuxId: string;
  createdAt: number;
  labels?: Record<string, string>;
  /** Pane ids in creation order; the first is the default pane. */
  panes: string[];
  windows: Set<string>;
  cwd: string;
  shell: string;
  closing: SessionClosedEvent['reason'] | null;
}

export interface SplitPaneOptions {
  /** The pane to split (default: the session's first pane). */
  paneId?: string;
  /** `horizontal` puts the new pane to the right, `vertical` below (default). */
  direction?: 'horizontal' | 'vertical';
  /** Size of the new pane, percent of the split pane (1-99). */
  percent?: number;
}

const splitPaneOptionsSchema = z.strictObject({
  paneId: paneIdSchema.optional(),
  direction: z.enum(['horizontal', 'vertical']).optional(),
  percent: z.number().int().min(1).max(99).optional(),
});

const NOTIFICATIONS_THAT_CHANGE_PANES = new Set([
  'sessions-changed',
  'window-close',
  'unlinked-window-close',
  'layout-change',
  'window-pane-changed',
]);

/**
 * A backend that runs each session in a tmux session, driven over one control-mode client per server:
 * commands and replies on one pipe, pane output from `%output`, command completion from
 * `@vth/shell-integration` marks. No `capture-pane` polling, no sleeps; the tmux CLI is spawned only to
 * start the server. Sessions are real tmux sessions: `tmux -S <socket> attach -t <session>` watches one.
 *
 * @example
 * ```ts
 * const backend = new TmuxBackend();
 * await backend.initialize({ socketPath: '/tmp/vth.sock' });
 * const s = await backend.createSession({ sessionId: 'build' });
 * if (s.ok) await backend.executeCommand(s.value.id, 'make -j8', undefined, { timeoutMs: 600_000 });
 * ```
 */
export class TmuxBackend extends EventEmitter<BackendEventMap> implements ITerminalBackend {
  readonly type = 'tmux';
  readonly capabilities = TMUX_CAPABILITIES;
  private backendId: string;
  private readonly initial: TmuxConfigInput;
  private config: TmuxConfig | null = null;
  private schemas: CallSchemas | null = null;
  private state: 'new' | 'ready' | 'crashed' | 'shut-down' = 'new';
  private crashReason = '';
  private client: TmuxControlClient | null = null;
  private socketPath = '';
  private socketDir: string | null = null;
  private ownsServer = false;
  /** The server (when vth started it), pane shells and sessions: what shutdown must see gone. */
  private readonly started = new StartedProcesses();
  /** A private directory for captures (see pane-capture.ts). */
  private workDir: string | null = null;
  private captures = 0;
  private stopping: Promise<void> | null = null;
  private reconnecting: Promise<void> | null = null;
  private controlSession = '';
  private shellPath = '';
  private readonly sessions = new Map<string, Session>();
  private readonly panes = new Map<string, Pane>();
  private readonly pending = new Set<string>();
  private readonly metrics = new MetricsRecorder();
  private reconcileScheduled = false;
  private lastHealth: HealthStatus = 'unhealthy';

  constructor(config: TmuxConfigInput = {}) {
    super();
    this.initial = config;
    this.backendId = config.id ?? createId('tmux');
  }

  get id(): string {
    return this.backendId;
  }

  /** The server's socket: `tmux -S <socketPath> attach -t <session>` watches a session. */
  get socket(): string {
    return this.socketPath;
  }

  async initialize(config: BackendConfig = {}): Promise<BackendResult<void>> {
    if (this.state === 'shut-down') return this.error('NOT_INITIALIZED', 'the backend has been shut down');
    if (this.state === 'ready') return ok();
    const parsed = parseInput(tmuxConfigSchema, { ...this.initial, ...config }, 'config', 'INVALID_CONFIG');
    if (!parsed.ok) return this.record(parsed);
    const cfg = parsed.value;
    const version = await checkTmuxVersion(cfg.tmuxPath);
    if (!version.ok) {
      return this.record(
        fail('UNAVAILABLE', `${version.reason} (hint: ${version.hint})`, {
          backendId: this.id,
          details: { reason: version.reason, hint: version.hint },
        }),
      );
    }
    const shell = await resolveExecutable(cfg.shell);
    if (!shell) return this.error('UNAVAILABLE', `shell "${cfg.shell}" was not found (looked in PATH)`);
    if (cfg.id) this.backendId = cfg.id;
    this.config = cfg;
    this.shellPath = shell;
    this.schemas = callSchemas(cfg.maxCommandBytes);
    const socket = this.prepareSocket(cfg);
    if (!socket.ok) return this.record(socket);
    this.socketPath = socket.value;
    const claimed = await claimSocketPath(this.socketPath, this.id);
    if (!claimed.ok) return this.record(claimed);
    this.ownsServer = claimed.value === 'free';
    this.controlSession =
      cfg.controlSession ?? `vth-ctl-${this.id}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
    const started = await this.connect();
    if (!started.ok) return this.record(started);
    try {
      this.workDir ??= mkdtempSync(join(tmpdir(), 'vth-tmux-work-'));
    } catch (e) {
      return this.error(
        'UNAVAILABLE',
        `cannot make a private directory for captures: ${(e as Error).message}`,
      );
    }
    if (this.ownsServer) {
      // A server of our own: settings that make panes predictable for everyone attaching to it.
      await this.client!.commands([
        `set-option -g default-terminal ${quoteTmuxArg(cfg.term)}`,
        `set-option -g history-limit ${cfg.historyLimit}`,
        'set-option -g status off',
        'set-option -g remain-on-exit off',
        'set-option -s escape-time 0',
      ]);
    }
    this.state = 'ready';
    this.crashReason = '';
    void this.reportHealth();
    return ok();
  }

  async createSession(
    options: CreateSessionOptions = {},
    _context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>> {
    const ready = this.ready();
    if (!ready.ok) return this.record(ready);
    const cfg = ready.value;
    const opts = parseInput(createSessionOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return this.record(opts);
    const o = opts.value;
    const claimed = claimSessionId(o.sessionId, {
      sessions: this.sessions,
      pending: this.pending,
      maxSessions: cfg.maxSessions,
      backendId: this.id,
    });
    if (!claimed.ok) return this.record(claimed);
    const id = claimed.value;
    const cwd = o.cwd ?? cfg.cwd ?? process.cwd();
    if (!(await isDirectory(cwd))) {
      return this.error('INVALID_INPUT', `invalid options.cwd: "${cwd}" is not an existing directory`);
    }
    let shell = this.shellPath;
    if (o.shell !== undefined) {
      const resolved = await resolveExecutable(o.shell);
      if (!resolved) return this.error('INVALID_INPUT', `invalid options.shell: "${o.shell}" was not found`);
      shell = resolved;
    }
    this.pending.add(id);
    try {
      return await this.openSession(id, o, cwd, shell, cfg);
    } finally {
      this.pending.delete(id);
    }
  }

  private async openSession(
    id: string,
    o: z.output<typeof createSessionOptionsSchema>,
    cwd: string,
    shell: string,
    cfg: TmuxConfig,
  ): Promise<BackendResult<SessionInfo>> {
    const client = this.client!;
    // The profile's variables go to each session, not to the server: a shared server's other sessions,
    // and this backend's `terminal` sessions, must not get them.
    const sessionEnv = { ...profileEnvironment(o.profile ?? cfg.profile), ...cfg.env, ...o.env };
    const tooBig = execLimitProblem(
      { ...shellEnvironment({ inherit: cfg.inheritEnv, profile: 'terminal' }), ...sessionEnv },
      [shell, ...(cfg.shellArgs ?? dialectForShell(shell).spawnArgs)],
    );
    if (tooBig) return this.error('INVALID_INPUT', `invalid options.env: ${tooBig}`);
    const env = Object.entries(sessionEnv)
      .map(([k, v]) => ` -e ${quoteTmuxArg(`${k}=${v}`)}`)
      .join('');
    // set-option takes a pane target: `=name:` (exact session, its current window), not `=name`.
    const target = quoteTmuxArg(`=${id}:`);
    const [created, ...rest] = await client.commands([
      `new-session -d -P -F '${NEW_PANE_FORMAT}' -s ${quoteTmuxArg(id)}` +
        ` -x ${o.cols ?? cfg.cols} -y ${o.rows ?? cfg.rows} -c ${quoteTmuxFormatArg(cwd)}${env}` +
        ` ${this.shellCommand(shell, cfg)}`,
      // Output of a pane reaches a control client only for windows of its session: link ours in. (The
      // control client has no size, so the window keeps its own; resize-window later makes it manual.)
      `link-window -d -s ${target} -t ${quoteTmuxArg(`=${this.controlSession}:`)}`,
      // On a server we own these are global settings already; on a shared one, set them per session and
      // mark the session as ours.
      ...(this.ownsServer
        ? []
        : [
            `set-option -t ${target} status off`,
            `set-option -t ${target} @vth_backend ${quoteTmuxArg(this.id)}`,
          ]),
    ]);
    if (!created!.ok) {
      const taken = /duplicate session/.test(created!.error.message);
      return this.record(
        taken
          ? fail('INVALID_INPUT', `session "${id}" already exists on the tmux server`, { backendId: this.id })
          : fail(created!.error),
      );
    }
    const made = parseNewPane(created!.value[0]);
    if (!made) {
      await client.command(`kill-session -t ${quoteTmuxArg(`=${id}`)}`);
      return this.error('INTERNAL', `tmux answered new-session with "${created!.value[0]}"`);
    }
    this.started.session(made.tmuxSessionId);
    const session: Session = {
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
    const pane = failed ? null : await this.attachPane(session, made);
    if (failed || !pane?.ok) {
      session.closing = 'crashed';
      await this.killSessionWindows(session);
      this.sessions.delete(id);
      return this.record(fail(failed && !failed.ok ? failed.error : (pane as { error: BackendError }).error));
    }
    this.metrics.sessionCreated();
    const info = this.info(session);
    this.emit('session-created', info);
    return ok(info);
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
    const cfg = this.config!;
    if (session.panes.length >= cfg.maxPanesPerSession) {
      return this.error(
        'BUSY',
        `session "${sessionId}" already has its maximum of ${cfg.maxPanesPerSession} panes`,
      );
    }
    const base = opts.value.paneId ?? session.panes[0]!;
    if (!session.panes.includes(base)) return this.paneNotFound(sessionId, base);
    const flags = `${opts.value.direction === 'horizontal' ? ' -h' : ' -v'}${
      opts.value.percent ? ` -l ${opts.value.percent}%` : ''
    }`;
    const split = await this.client!.command(
      `split-window -d -P -F '${NEW_PANE_FORMAT}' -t ${base}${flags}` +
        ` -c ${quoteTmuxFormatArg(session.cwd)} ${this.shellCommand(session.shell, cfg)}`,
    );
    if (!split.ok) return this.record(split);
    const made = parseNewPane(split.value[0]);
    if (!made) return this.error('INTERNAL', `tmux answered split-window with "${split.value[0]}"`);
    const pane = await this.attachPane(session, made);
    if (!pane.ok) {
      await this.client!.command(`kill-pane -t ${made.paneId}`);
      return this.record(pane);
    }
    return ok(made.paneId);
  }

  /** Closes one pane of a session (not its last: destroy the session for that). */
  async closePane(sessionId: string, paneId: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const { session, pane } = target.value;
    if (session.panes.length === 1) {
      return this.error(
        'INVALID_INPUT',
        `pane "${paneId}" is the last pane of session "${sessionId}"; destroy the session instead`,
      );
    }
    pane.runner.markClosing();
    await this.client!.command(`kill-pane -t ${pane.id}`);
    this.dropPane(pane, { exitCode: null, intentional: true, reason: 'the pane was closed' });
    return ok();
  }

  async destroySession(sessionId: string): Promise<BackendResult<void>> {
    const found = this.lookup(sessionId);
    if (!found.ok) return this.record(found);
    found.value.closing = 'destroyed';
    await this.endSession(found.value, 'destroyed');
    return ok();
  }

  async listSessions(): Promise<BackendResult<SessionInfo[]>> {
    const ready = this.ready();
    if (!ready.ok) return this.record(ready);
    // The map is kept true by tmux's notifications (see reconcile), so no round trip is needed here.
    return ok([...this.sessions.values()].filter((s) => !s.closing).map((s) => this.info(s)));
  }

  async executeCommand(
    sessionId: string,
    command: string,
    paneId?: string,
    context: ExecutionContext = {},
  ): Promise<BackendResult<CommandExecution>> {
    // Read once, at the boundary: the runner gets a frozen copy and a signal of our own.
    const ctx = parseExecutionContext(context);
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    if (!ctx.ok) return this.record(ctx);
    const cmd = parseInput(this.schemas!.command, command, 'command');
    if (!cmd.ok) return this.record(cmd);
    return this.record(await target.value.pane.runner.execute(cmd.value, ctx.value));
  }

  async executeBatch(
    sessionId: string,
    commands: string[],
    paneId?: string,
    context: ExecutionContext = {},
  ): Promise<BackendResult<CommandExecution[]>> {
    const ctx = parseExecutionContext(context);
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    if (!ctx.ok) return this.record(ctx);
    const cmds = parseInput(this.schemas!.commands, commands, 'commands');
    if (!cmds.ok) return this.record(cmds);
    return this.record(await target.value.pane.runner.executeBatch(cmds.value, ctx.value));
  }

  async sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const input = parseInput(this.schemas!.input, data, 'data');
    if (!input.ok) return this.record(input);
    target.value.pane.runner.sendInput(input.value);
    return ok();
  }

  async interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    target.value.pane.runner.interrupt();
    return ok();
  }

  async capture(
    sessionId: string,
    paneId?: string,
    options: CaptureOptions = {},
  ): Promise<BackendResult<string>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const opts = parseInput(captureOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return this.record(opts);
    const captured = await capturePaneLines(
      this.client!,
      target.value.pane.id,
      this.workDir!,
      `vth-capture-${this.id}-${++this.captures}`,
    );
    if (!captured.ok) return this.record(captured);
    const lines = [...captured.value];
    while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
    const kept = opts.value.lines === undefined ? lines : lines.slice(-opts.value.lines);
    return ok(kept.length > 0 ? kept.join('\n') + '\n' : '');
  }

  async resize(sessionId: string, cols: number, rows: number, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const c = parseInput(terminalSizeSchema, cols, 'cols');
    if (!c.ok) return this.record(c);
    const r = parseInput(terminalSizeSchema, rows, 'rows');
    if (!r.ok) return this.record(r);
    const { session, pane } = target.value;
    const whole = paneId === undefined && session.panes.length === 1;
    const line = whole
      ? `resize-window -t ${pane.windowId} -x ${c.value} -y ${r.value}`
      : `resize-pane -t ${pane.id} -x ${c.value} -y ${r.value}`;
    const resized = await this.client!.command(line);
    if (!resized.ok) return this.record(resized);
    // tmux hands a pane at most one new size per 250 ms; wait until the terminal has it, so the next command
    // sees the size it was promised.
    if (whole) {
      const deadline = Date.now() + 1000;
      for (;;) {
        const size = readPtySize(pane.tty);
        if (!size || (size.cols === c.value && size.rows === r.value) || Date.now() > deadline) break;
        await new Promise((res) => setTimeout(res, 20));
      }
    }
    return ok();
  }

  async getHealth(): Promise<BackendHealth> {
    const checkedAt = Date.now();
    if (this.state !== 'ready' || !this.client?.alive) {
      const message =
        this.state === 'new'
          ? 'not initialized'
          : this.state === 'shut-down'
            ? 'shut down'
            : `the tmux server is gone: ${this.crashReason || 'the control client ended'}`;
      return { status: 'unhealthy', message, checkedAt };
    }
    // A real round trip through the control client and the server.
    const t0 = performance.now();
    const probe = await this.client.command("display-message -p '#{pid}'");
    const latencyMs = performance.now() - t0;
    if (!probe.ok) return { status: 'unhealthy', message: probe.error.message, checkedAt, latencyMs };
    const max = this.config!.maxSessions;
    const full = this.sessions.size >= max;
    return {
      status: full ? 'degraded' : 'healthy',
      ...(full ? { message: `at its maximum of ${max} sessions` } : {}),
      checkedAt,
      latencyMs,
      details: { sessions: this.sessions.size, serverPid: Number(probe.value[0]), socket: this.socketPath },
    };
  }

  getMetrics(): BackendMetrics {
    return this.metrics.snapshot(this.id, this.type, this.sessions.size);
  }

  /**
   * Ends everything the backend started and resolves when it is gone: on a server of its own, the server
   * (asked with `kill-server`; by pid, SIGTERM then SIGKILL, when it does not answer in time or the control
   * client is gone), the control client, and every process in its panes; on a shared server, the sessions
   * it made and its control session. Shells that ignore the hangup are SIGKILLed after `killGraceMs`.
   */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    const wasReady = this.state === 'ready';
    this.state = 'shut-down';
    // A control client being replaced: let the replacement finish, then end it like the first.
    await this.reconnecting;
    const client = this.client;
    const graceMs = this.config?.killGraceMs ?? 500;
    if (wasReady) {
      // On a server of our own the sessions go with the server: no command per session, so a server that
      // does not answer cannot hold the shutdown up.
      await Promise.all(
        [...this.sessions.values()].map((s) => {
          s.closing = 'shutdown';
          return this.endSession(s, 'shutdown', !this.ownsServer);
        }),
      );
      const answerMs = Math.min(this.config!.commandTimeoutMs, SHUTDOWN_ANSWER_MS);
      if (this.ownsServer) await within(client?.command('kill-server'), answerMs);
      else await client?.command(`kill-session -t ${quoteTmuxArg(`=${this.controlSession}`)}`);
    }
    await client?.close(true);
    this.client = null;
    const { socketPath, ownsServer } = this;
    const left = await this.started.endAll({ socketPath, ownsServer, graceMs });
    if (left.length > 0) {
      const pids = left.map((p) => p.pid).join(', ');
      const error = new BackendError('INTERNAL', `processes did not exit after SIGKILL: ${pids}`, {
        backendId: this.id,
      });
      emitErrorSafely(this, error);
    }
    // Never the socket of a server that still runs (removeStaleSocket also checks that nobody answers).
    if (ownsServer && !this.started.serverRunning) await removeStaleSocket(socketPath);
    if (this.socketDir) {
      try {
        rmdirSync(this.socketDir);
      } catch {
        // Other instances still use it.
      }
    }
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
    void this.reportHealth();
  }

  // ---- connection ----

  private prepareSocket(cfg: TmuxConfig): BackendResult<string> {
    if (cfg.socketPath) return ok(cfg.socketPath);
    // A private directory: sockets in a shared temp dir must not be reachable (or plantable) by others.
    const dir = join(tmpdir(), `vth-tmux-${process.getuid?.() ?? 'user'}`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const st = statSync(dir);
      if ((process.getuid && st.uid !== process.getuid()) || (st.mode & 0o077) !== 0) {
        return fail('UNAVAILABLE', `${dir} is not a private directory of this user; give a socketPath`, {
          backendId: this.id,
        });
      }
    } catch (e) {
      return fail('UNAVAILABLE', `cannot prepare a socket directory ${dir}: ${(e as Error).message}`, {
        backendId: this.id,
      });
    }
    this.socketDir = dir;
    return ok(join(dir, this.id.replace(/[^A-Za-z0-9_-]/g, '_')));
  }

  private async connect(): Promise<BackendResult<void>> {
    const cfg = this.config!;
    const client = new TmuxControlClient({
      tmuxPath: cfg.tmuxPath,
      socketPath: this.socketPath,
      controlSession: this.controlSession,
      configFile: cfg.configFile,
      env: shellEnvironment({ inherit: cfg.inheritEnv, profile: 'terminal', layers: [cfg.env] }),
      commandTimeoutMs: cfg.commandTimeoutMs,
      backendId: this.id,
    });
    const started = await client.start(cfg.readyTimeoutMs);
    if (!started.ok) return started;
    const server = await this.identifyServer(client);
    if (!server.ok) {
      // Attached to a server that is not ours to use: take our control session off it and leave.
      await client.command(`kill-session -t ${quoteTmuxArg(`=${this.controlSession}`)}`);
      await client.close(true);
      return server;
    }
    this.client = client;
    client.on('output', (paneId, data) => this.onPaneOutput(paneId, data));
    client.on('notification', (name) => {
      if (NOTIFICATIONS_THAT_CHANGE_PANES.has(name)) this.scheduleReconcile();
    });
    client.on('closed', (reason) => {
      this.reconnecting = this.onClientClosed(client, reason);
    });
    // Keys that tmux refused never reached the pane: report it, the command will time out or fail.
    client.on('failed', (message) => {
      const error = new BackendError('INTERNAL', message, { backendId: this.id, dispatched: false });
      this.metrics.error(error);
      emitErrorSafely(this, error);
    });
    return ok();
  }

  /**
   * Which server the client reached, and is it this user's? Records its pid (kept only for a server vth
   * started, the one shutdown may end by pid) and the control pane's shell.
   */
  private async identifyServer(client: TmuxControlClient): Promise<BackendResult<void>> {
    const target = quoteTmuxArg(`=${this.controlSession}:`);
    const probe = await client.command(`display-message -p -t ${target} '${SERVER_FORMAT}'`);
    if (!probe.ok) return probe;
    const ids = parseServer(probe.value[0]);
    if (!ids)
      return fail('INTERNAL', `tmux answered "${probe.value[0]}" for its pid`, { backendId: this.id });
    const owner = checkServerOwner(ids.serverPid, this.socketPath, this.id);
    if (!owner.ok) return owner;
    this.started.server(ids.serverPid, this.socketPath, this.ownsServer);
    this.started.shell(ids.controlPanePid);
    return ok();
  }

  /**
   * The control client ended. If the server lives on (someone killed the client), a new client takes over:
   * sessions survive, but what panes printed meanwhile is gone, so running commands fail `BACKEND_CRASHED`
   * (dispatched) and their panes resynchronise. If the server is gone, every session is lost at once.
   */
  private async onClientClosed(client: TmuxControlClient, reason: string): Promise<void> {
    if (this.client !== client || this.state !== 'ready') return;
    this.client = null;
    // (Shut down meanwhile: no new client, which could start a new server.)
    if ((await serverStaysUp(this.socketPath)) && this.state === 'ready') {
      const restarted = await this.connect();
      if (restarted.ok && this.state === 'ready') {
        for (const pane of this.panes.values()) {
          if (!pane.runner.busy) continue;
          pane.runner.abandon(`the connection to tmux was lost (${reason})`);
          // A shell back at its prompt can be asked for a mark right away; one still running a job ends
          // the wait itself when the job's end mark arrives.
          const stat = readProcStat(pane.pid);
          if (stat && stat.tpgid === stat.pgrp) pane.runner.resync();
        }
        this.scheduleReconcile();
        return;
      }
    }
    this.crash(`the tmux server exited (${reason})`);
  }

  private crash(reason: string): void {
    if (this.state !== 'ready') return;
    this.state = 'crashed';
    this.crashReason = reason;
    for (const session of this.sessions.values()) session.closing = 'crashed';
    for (const pane of [...this.panes.values()]) {
      this.dropPane(pane, { exitCode: null, signal: 'SIGHUP', reason });
      killSessionMembers(pane.pid);
    }
    void this.reportHealth();
    emitErrorSafely(
      this,
      new BackendError('BACKEND_CRASHED', reason, { backendId: this.id, dispatched: true }),
    );
  }

  private async reportHealth(): Promise<void> {
    const health = await this.getHealth();
    if (health.status === this.lastHealth) return;
    const previous = this.lastHealth;
    this.lastHealth = health.status;
    this.emit('health-changed', { previous, current: health });
  }

  // ---- panes ----

  private shellCommand(shell: string, cfg: TmuxConfig): string {
    const args = cfg.shellArgs ?? [...dialectForShell(shell).spawnArgs];
    return [shell, ...args].map(quoteTmuxArg).join(' ');
  }

  private async attachPane(session: Session, made: NewPane): Promise<BackendResult<Pane>> {
    const { paneId, pid, windowId, tty } = made;
    const cfg = this.config!;
    const client = this.client!;
    this.started.shell(pid);
    const runner = new ShellCommandRunner({
      transport: {
        write: (data) => this.client?.sendKeys(paneId, data),
        signalForeground: (signal) => signalForegroundGroup(pid, signal),
        shellInForeground: () => shellOwnsTerminal(pid),
        terminate: () => {
          // The pane's shell no longer answers vth (replaced by `exec`): end the session, not a dead pane.
          if (session.closing) return;
          session.closing = 'crashed';
          void this.endSession(session, 'crashed');
        },
      },
      dialect: dialectForShell(session.shell),
      sessionId: session.id,
      paneId,
      backendId: this.id,
      // A tmux pane is a terminal someone may attach to: keep CR/LF translation so it renders; the runner
      // undoes it in command output.
      onlcr: true,
      // tmux may drop what a pane printed last when its shell exits at once: the exit mark of `exit 3`.
      exitLingerMs: 100,
      maxOutputBytes: cfg.maxOutputBytes,
      interruptGraceMs: cfg.interruptGraceMs,
      killGraceMs: cfg.killGraceMs,
      onOutput: (data, commandId) => this.emitOutput(pane, data, commandId),
      ...commandEvents(this, this.metrics, session.id, paneId),
    });
    const pane: Pane = {
      id: paneId,
      pid,
      tty,
      sessionId: session.id,
      windowId,
      runner,
      decoder: new StringDecoder('utf8'),
    };
    this.panes.set(paneId, pane);
    session.panes.push(paneId);
    session.windows.add(windowId);
    client.sendKeys(paneId, runner.bootstrapText());
    const ready = runner.ready(cfg.readyTimeoutMs).then((r) => {
      // A shell that never comes up takes its pane with it: waiting commands fail instead of hanging.
      if (!r.ok)
        this.dropPane(pane, { exitCode: null, reason: `the shell did not become ready: ${r.error.message}` });
      return r;
    });
    if (cfg.waitForShell) {
      const r = await ready;
      if (!r.ok) return fail(r.error);
    }
    return ok(pane);
  }

  private onPaneOutput(paneId: string, data: Buffer): void {
    this.panes.get(paneId)?.runner.feed(data);
  }

  private emitOutput(pane: Pane, data: Buffer, commandId: string | undefined): void {
    if (this.listenerCount('output') === 0) return;
    const text = pane.decoder.write(data);
    if (text) {
      this.emit('output', {
        sessionId: pane.sessionId,
        paneId: pane.id,
        ...(commandId === undefined ? {} : { commandId }),
        data: text,
      });
    }
  }

  /** Forgets a pane: its runner ends (running commands settle) and nothing it started outlives it. */
  private dropPane(
    pane: Pane,
    exit: { exitCode: number | null; signal?: string; intentional?: boolean; reason: string },
  ): void {
    if (this.panes.get(pane.id) !== pane) return;
    this.panes.delete(pane.id);
    pane.runner.close(exit);
    const session = this.sessions.get(pane.sessionId);
    if (session) session.panes = session.panes.filter((p) => p !== pane.id);
    setTimeout(() => {
      killSessionMembers(pane.pid);
      this.started.forgetShellIfGone(pane.pid);
    }, this.config?.killGraceMs ?? 500).unref();
    if (session && session.panes.length === 0) this.forgetSession(session, session.closing ?? 'exited');
  }

  private forgetSession(session: Session, reason: SessionClosedEvent['reason']): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    this.metrics.sessionClosed();
    this.emit('session-closed', { sessionId: session.id, reason });
  }

  /**
   * Ends a session: its windows everywhere (they are linked into the control session too), then the rest.
   * `inTmux` false: only our side (the server is about to go).
   */
  private async endSession(
    session: Session,
    reason: SessionClosedEvent['reason'],
    inTmux = true,
  ): Promise<void> {
    const panes = session.panes.map((id) => this.panes.get(id)).filter((p): p is Pane => p !== undefined);
    for (const pane of panes) pane.runner.markClosing();
    if (inTmux) await this.killSessionWindows(session);
    for (const pane of panes)
      this.dropPane(pane, {
        exitCode: null,
        intentional: true,
        reason: `the session was ${reason === 'shutdown' ? 'shut down' : 'destroyed'}`,
      });
    this.forgetSession(session, reason);
  }

  private async killSessionWindows(session: Session): Promise<void> {
    if (!this.client?.alive) return;
    await this.client.commands([
      ...[...session.windows].map((w) => `kill-window -t ${w}`),
      `kill-session -t ${quoteTmuxArg(`=${session.id}`)}`,
    ]);
  }

  /**
   * tmux told us panes or sessions changed (a shell exited, someone killed a session from outside): compare
   * with what tmux lists, once per burst of notifications.
   */
  private scheduleReconcile(): void {
    if (this.reconcileScheduled) return;
    this.reconcileScheduled = true;
    setImmediate(() => {
      this.reconcileScheduled = false;
      void this.reconcile();
    });
  }

  private async reconcile(): Promise<void> {
    if (this.state !== 'ready' || !this.client?.alive) return;
    const listed = await this.client.command(`list-panes -a -F '${PANE_ROW_FORMAT}'`);
    if (!listed.ok) return;
    const where = parsePaneRows(listed.value);
    for (const pane of [...this.panes.values()]) {
      const sessions = where.get(pane.id);
      if (!sessions) {
        // The shell exited; its EXIT mark (if any) already ended the command with its status.
        this.dropPane(pane, { exitCode: null, reason: 'the shell in the pane exited' });
      } else if (!sessions.has(this.sessions.get(pane.sessionId)?.tmuxId ?? '')) {
        // Still linked into the control session, but its own session was killed from outside vth.
        const session = this.sessions.get(pane.sessionId);
        if (session && !session.closing) {
          session.closing = 'crashed';
          void this.endSession(session, 'crashed');
        }
      }
    }
  }

  // ---- lookups and results ----

  private info(session: Session): SessionInfo {
    const first = this.panes.get(session.panes[0] ?? '');
    const cwd = first?.runner.cwd;
    return {
      id: session.id,
      backendId: this.id,
      createdAt: session.createdAt,
      ...(cwd === undefined ? {} : { cwd }),
      panes: [...session.panes],
      alive: session.closing === null && session.panes.length > 0,
      ...(session.labels ? { labels: session.labels } : {}),
    };
  }

  private ready(): BackendResult<TmuxConfig> {
    if (this.state === 'ready' && this.config) return ok(this.config);
    if (this.state === 'crashed') {
      return fail('UNAVAILABLE', `${this.crashReason}; call initialize() to start a new server`, {
        backendId: this.id,
      });
    }
    return fail(
      'NOT_INITIALIZED',
      this.state === 'new' ? 'call initialize() first' : 'the backend has been shut down',
      { backendId: this.id },
    );
  }

  private lookup(sessionId: string): BackendResult<Session> {
    const ready = this.ready();
    if (!ready.ok) return ready;
    if (!this.client?.alive) {
      // Between a control client's death and its replacement: nothing can reach the panes right now.
      return fail('UNAVAILABLE', 'the connection to tmux is being re-established; try again', {
        backendId: this.id,
      });
    }
    const id = parseInput(sessionIdSchema, sessionId, 'sessionId');
    if (!id.ok) return id;
    const session = this.sessions.get(id.value);
    if (!session || session.closing) {
      return fail('SESSION_NOT_FOUND', `no session "${id.value}" on backend ${this.id}`, {
        backendId: this.id,
      });
    }
    return ok(session);
  }

  private target(
    sessionId: string,
    paneId: string | undefined,
    context?: ExecutionContext,
  ): BackendResult<{ session: Session; pane: Pane }> {
    const found = this.lookup(sessionId);
    if (!found.ok) return found;
    const session = found.value;
    let id = session.panes[0];
    if (paneId !== undefined) {
      const pane = parseInput(paneIdSchema, paneId, 'paneId');
      if (!pane.ok) return pane;
      id = pane.value;
      if (!session.panes.includes(id)) return this.paneNotFound(sessionId, id);
    }
    const pane = id === undefined ? undefined : this.panes.get(id);
    if (!pane) return this.paneNotFound(sessionId, id ?? '(none)');
    if (context !== undefined) {
      const ctx = parseExecutionContext(context);
      if (!ctx.ok) return ctx;
    }
    return ok({ session, pane });
  }

  private paneNotFound<T>(sessionId: string, paneId: string): BackendResult<T> {
    return fail('PANE_NOT_FOUND', `session "${sessionId}" has no pane "${paneId}"`, { backendId: this.id });
  }

  private error<T>(code: BackendError['code'], message: string): BackendResult<T> {
    return this.record(fail(code, message, { backendId: this.id }));
  }

  /** Counts failures for `getMetrics()` and reports them as `error` events when someone listens. */
  private record<T>(result: BackendResult<T>): BackendResult<T> {
    return this.metrics.track(result, this.id, this);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Pauses between the checks of `serverStaysUp`: a dying server is seen within milliseconds. */
const STAYS_UP_CHECKS_MS = [0, 5, 10, 20, 40];

/**
 * Does the server live on after its control client ended? A server being killed still accepts connections
 * for a few milliseconds after it told its clients to exit (`kill-server` and a dying client look the same
 * from the client: a bare `%exit`), so it has to answer every check over 75 ms.
 */
async function serverStaysUp(socketPath: string): Promise<boolean> {
  for (const pause of STAYS_UP_CHECKS_MS) {
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    if (!(await serverAnswers(socketPath))) return false;
  }
  return true;
}

/** How long a server of our own gets to answer `kill-server` before it is ended by pid. */
const SHUTDOWN_ANSWER_MS = 2000;

/** Waits for `promise`, but at most `ms`. */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
