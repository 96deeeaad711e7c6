import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import {
  type BackendError,
  BoundedOutputBuffer,
  captureOptionsSchema,
  createId,
  createSessionOptionsSchema,
  lastLines,
  fail,
  MetricsRecorder,
  ok,
  parseExecutionContext,
  parseInput,
  terminalSizeSchema,
  toBackendError,
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
  type ITerminalBackend,
  type SessionClosedEvent,
  type SessionInfo,
  lookupSession,
  targetSinglePane,
  type SessionTable,
  callSchemas,
  claimSessionId,
  type CallSchemas,
} from '@vth/core';
import {
  dialectForShell,
  resolveExecutable,
  commandEvents,
  ShellCommandRunner,
  shellEnvironment,
  execLimitProblem,
  signalForegroundGroup,
  shellOwnsTerminal,
} from '@vth/shell-integration';
import type * as NodePty from 'node-pty';
import { type z } from 'zod';
import { nodePtyConfigSchema, type NodePtyConfig, type NodePtyConfigInput } from './config';
import { loadNodePty } from './load-node-pty';
import { type ProcessEntry } from './process-table';
import { endShells, SessionProcesses } from './session-processes';

export const NODE_PTY_CAPABILITIES: BackendCapabilities = {
  persistentSessions: true,
  multiplePanes: false,
  resize: true,
  interrupt: true,
  sendInput: true,
  capture: true,
  streaming: true,
  exitCodes: true,
  cwdTracking: true,
  isolation: 'process',
  remote: false,
  flowControl: true,
};

/** The one pane of a node-pty session. */
export const NODE_PTY_PANE = '0';

interface PtySession {
  id: string;
  pty: NodePty.IPty;
  pid: number;
  runner: ShellCommandRunner;
  createdAt: number;
  labels?: Record<string, string>;
  scrollback: BoundedOutputBuffer;
  decoder: StringDecoder;
  closing: SessionClosedEvent['reason'] | null;
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
export class NodePtyBackend extends EventEmitter<BackendEventMap> implements ITerminalBackend {
  readonly type = 'node-pty';
  readonly capabilities = NODE_PTY_CAPABILITIES;
  private backendId: string;
  private config: NodePtyConfig | null = null;
  private schemas: CallSchemas | null = null;
  private state: 'new' | 'ready' | 'shut-down' = 'new';
  private pty: typeof NodePty | null = null;
  private shellPath = '';
  private readonly sessions = new Map<string, PtySession>();
  private readonly pending = new Set<string>();
  /** Sessions being ended (destroyed, shut down, or sweeping up after a shell that exited by itself). */
  private readonly endings = new Set<Promise<void>>();
  private stopped: Promise<void> | undefined;
  private readonly metrics = new MetricsRecorder();

  constructor(config: NodePtyConfigInput = {}) {
    super();
    this.backendId = config.id ?? createId('pty');
    this.initial = config;
  }

  private readonly initial: NodePtyConfigInput;

  get id(): string {
    return this.backendId;
  }

  async initialize(config: BackendConfig = {}): Promise<BackendResult<void>> {
    if (this.state === 'shut-down') return this.error('NOT_INITIALIZED', 'the backend has been shut down');
    if (this.state === 'ready') return ok();
    const parsed = parseInput(
      nodePtyConfigSchema,
      { ...this.initial, ...config },
      'config',
      'INVALID_CONFIG',
    );
    if (!parsed.ok) return this.record(parsed);
    const loaded = loadNodePty();
    if (!loaded.ok) return this.record(loaded);
    const shell = await resolveExecutable(parsed.value.shell);
    if (!shell) {
      return this.error('UNAVAILABLE', `shell "${parsed.value.shell}" was not found (looked in PATH)`);
    }
    if (parsed.value.id) this.backendId = parsed.value.id;
    this.config = parsed.value;
    this.schemas = callSchemas(parsed.value.maxCommandBytes);
    this.pty = loaded.value;
    this.shellPath = shell;
    this.state = 'ready';
    return ok();
  }

  async createSession(
    options: CreateSessionOptions = {},
    _context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>> {
    const ready = this.ready();
    if (!ready.ok) return this.record(ready);
    const config = ready.value;
    const opts = parseInput(createSessionOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return this.record(opts);
    const o = opts.value;
    const claimed = claimSessionId(o.sessionId, {
      sessions: this.sessions,
      pending: this.pending,
      maxSessions: config.maxSessions,
      backendId: this.id,
    });
    if (!claimed.ok) return this.record(claimed);
    const id = claimed.value;
    this.pending.add(id);
    try {
      return await this.spawnSession(id, o, config);
    } finally {
      this.pending.delete(id);
    }
  }

  private async spawnSession(
    id: string,
    o: z.output<typeof createSessionOptionsSchema>,
    config: NodePtyConfig,
  ): Promise<BackendResult<SessionInfo>> {
    const cwd = o.cwd ?? config.cwd ?? process.cwd();
    const cwdOk = await stat(cwd).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!cwdOk)
      return this.error('INVALID_INPUT', `invalid options.cwd: "${cwd}" is not an existing directory`);
    let shell = this.shellPath;
    if (o.shell !== undefined) {
      const resolved = await resolveExecutable(o.shell);
      if (!resolved) return this.error('INVALID_INPUT', `invalid options.shell: "${o.shell}" was not found`);
      shell = resolved;
    }
    const dialect = dialectForShell(shell);
    const env = shellEnvironment({
      inherit: config.inheritEnv,
      profile: o.profile ?? config.profile,
      layers: [config.env, o.env],
      term: config.term,
    });
    const args = config.shellArgs ?? [...dialect.spawnArgs];
    const tooBig = execLimitProblem(env, [shell, ...args]);
    if (tooBig) return this.error('INVALID_INPUT', `invalid options.env: ${tooBig}`);
    // shutdown() may have run while this call awaited: a shell started now would outlive it.
    if (this.state !== 'ready') return this.error('NOT_INITIALIZED', 'the backend has been shut down');
    let pty: NodePty.IPty;
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
      return this.record(fail(toBackendError(e, 'UNAVAILABLE', { dispatched: false, backendId: this.id })));
    }
    const pid = pty.pid;
    const runner = new ShellCommandRunner({
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
      sessionId: id,
      paneId: NODE_PTY_PANE,
      backendId: this.id,
      maxOutputBytes: config.maxOutputBytes,
      interruptGraceMs: config.interruptGraceMs,
      killGraceMs: config.killGraceMs,
      onOutput: (data, commandId) => this.onSessionOutput(session, data, commandId),
      ...commandEvents(this, this.metrics, id, NODE_PTY_PANE),
    });
    let exited!: () => void;
    const session: PtySession = {
      id,
      pty,
      pid,
      runner,
      createdAt: Date.now(),
      ...(o.labels ? { labels: o.labels } : {}),
      scrollback: new BoundedOutputBuffer(config.scrollbackBytes, { headBytes: 0 }),
      decoder: new StringDecoder('utf8'),
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
      if (this.state !== 'ready') return this.error('NOT_INITIALIZED', 'the backend has been shut down');
      return this.record(readyResult.ok ? fail('INTERNAL', 'the session ended as it started') : readyResult);
    }
    session.processes.identify();
    // Scrollback starts with the session: the bootstrap line and the first prompt are vth's, not the user's.
    session.scrollback.clear();
    this.metrics.sessionCreated();
    const info = this.info(session);
    this.emit('session-created', info);
    return ok(info);
  }

  async destroySession(sessionId: string): Promise<BackendResult<void>> {
    const found = this.lookup(sessionId);
    if (!found.ok) return this.record(found);
    found.value.closing = 'destroyed';
    await this.end([found.value]);
    return ok();
  }

  async listSessions(): Promise<BackendResult<SessionInfo[]>> {
    const ready = this.ready();
    if (!ready.ok) return this.record(ready);
    return ok([...this.sessions.values()].map((s) => this.info(s)));
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
    return this.record(await target.value.runner.execute(cmd.value, ctx.value));
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
    return this.record(await target.value.runner.executeBatch(cmds.value, ctx.value));
  }

  async sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const input = parseInput(this.schemas!.input, data, 'data');
    if (!input.ok) return this.record(input);
    target.value.runner.sendInput(input.value);
    return ok();
  }

  async interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    target.value.runner.interrupt();
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
    const { text } = target.value.scrollback.read();
    return ok(opts.value.lines === undefined ? text : lastLines(text, opts.value.lines));
  }

  async resize(sessionId: string, cols: number, rows: number, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const c = parseInput(terminalSizeSchema, cols, 'cols');
    if (!c.ok) return this.record(c);
    const r = parseInput(terminalSizeSchema, rows, 'rows');
    if (!r.ok) return this.record(r);
    try {
      target.value.pty.resize(c.value, r.value);
    } catch (e) {
      return this.record(
        fail(toBackendError(e, 'SESSION_NOT_FOUND', { dispatched: false, backendId: this.id })),
      );
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
    if (this.state !== 'ready') {
      return {
        status: 'unhealthy',
        message: this.state === 'new' ? 'not initialized' : 'shut down',
        checkedAt,
      };
    }
    const max = this.config!.maxSessions;
    const active = this.sessions.size;
    return {
      status: active >= max ? 'degraded' : 'healthy',
      ...(active >= max ? { message: `at its maximum of ${max} sessions` } : {}),
      checkedAt,
      details: { sessions: active, maxSessions: max, shell: this.shellPath },
    };
  }

  getMetrics(): BackendMetrics {
    return this.metrics.snapshot(this.id, this.type, this.sessions.size);
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.state = 'shut-down';
    this.stopped = (async () => {
      const sessions = [...this.sessions.values()];
      for (const s of sessions) s.closing ??= 'shutdown';
      await this.end(sessions);
      // Sweeps after shells that exited by themselves, and ends started before this call.
      while (this.endings.size > 0) await Promise.all(this.endings);
    })();
    return this.stopped;
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

  private onSessionOutput(session: PtySession, data: Buffer, commandId: string | undefined): void {
    session.scrollback.append(data);
    if (this.listenerCount('output') === 0) return;
    const text = session.decoder.write(data);
    if (text) {
      this.emit('output', {
        sessionId: session.id,
        paneId: NODE_PTY_PANE,
        ...(commandId === undefined ? {} : { commandId }),
        data: text,
      });
    }
  }

  private info(session: PtySession): SessionInfo {
    const cwd = session.runner.cwd;
    return {
      id: session.id,
      backendId: this.id,
      createdAt: session.createdAt,
      ...(cwd === undefined ? {} : { cwd }),
      panes: [NODE_PTY_PANE],
      alive: !session.runner.closed,
      ...(session.labels ? { labels: session.labels } : {}),
    };
  }

  private ready(): BackendResult<NodePtyConfig> {
    if (this.state !== 'ready' || !this.config) {
      return fail(
        'NOT_INITIALIZED',
        this.state === 'new' ? 'call initialize() first' : 'the backend has been shut down',
        {
          backendId: this.id,
        },
      );
    }
    return ok(this.config);
  }

  private lookup(sessionId: string): BackendResult<PtySession> {
    const ready = this.ready();
    if (!ready.ok) return ready;
    return lookupSession(this.table(), sessionId);
  }

  private target(sessionId: string, paneId: string | undefined): BackendResult<PtySession> {
    const ready = this.ready();
    if (!ready.ok) return ready;
    return targetSinglePane(this.paneTable, sessionId, paneId);
  }

  private table(): SessionTable<PtySession> {
    return this.paneTable;
  }

  /** Made once: `target` runs on every call. The id is read late (`initialize` may set it). */
  private readonly paneTable: SessionTable<PtySession> & { pane: string; kind: string } = ((backend) => ({
    sessions: backend.sessions,
    get backendId() {
      return backend.backendId;
    },
    isClosing: (s: PtySession) => s.closing !== null,
    pane: NODE_PTY_PANE,
    kind: 'node-pty',
  }))(this);

  private error<T>(code: BackendError['code'], message: string): BackendResult<T> {
    return this.record(fail(code, message, { backendId: this.id }));
  }

  /** Counts failures for `getMetrics()` and reports them as `error` events when someone listens. */
  private record<T>(result: BackendResult<T>): BackendResult<T> {
    return this.metrics.track(result, this.id, this);
  }
}
