import { EventEmitter } from 'node:events';
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import {
  type BackendError,
  BoundedOutputBuffer,
  captureOptionsSchema,
  createId,
  createSessionOptionsSchema,
  fail,
  lastLines,
  MetricsRecorder,
  ok,
  parseExecutionContext,
  parseInput,
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
  lookupSession,
  targetSinglePane,
  type SessionTable,
  callSchemas,
  claimSessionId,
  type CallSchemas,
} from '@vth/core';
import {
  commandEvents,
  dialectForShell,
  readProcStat,
  ShellCommandRunner,
  signalForegroundGroup,
  shellOwnsTerminal,
  execLimitProblem,
} from '@vth/shell-integration';
import { type z } from 'zod';
import { containerConfigSchema, type ContainerConfig, type ContainerConfigInput } from './config';
import { containerCreateBody, sessionEnvironment } from './container-spec';
import { type EngineClient } from './engine-client';
import { connectEngine } from './engine-connection';
import { type EngineLocation } from './engine-discovery';
import { type EngineEndpoint } from './engine-endpoint';
import { checkEngineLimits } from './engine-limits';
import { inspectImage } from './image-facts';
import { ownerTag, removeLeftovers } from './leftovers';

export const CONTAINER_CAPABILITIES: BackendCapabilities = {
  persistentSessions: true,
  multiplePanes: false,
  resize: true,
  interrupt: true,
  sendInput: true,
  capture: true,
  streaming: true,
  exitCodes: true,
  cwdTracking: true,
  isolation: 'container',
  remote: false,
};

/** The one pane of a container session. */
export const CONTAINER_PANE = '0';

interface ContainerSession {
  id: string;
  containerId: string;
  stream: Duplex;
  runner: ShellCommandRunner;
  createdAt: number;
  labels?: Record<string, string>;
  scrollback: BoundedOutputBuffer;
  decoder: StringDecoder;
  closing: SessionClosedEvent['reason'] | null;
  gone: Promise<void>;
}

interface ContainerState {
  Status?: string;
  Running?: boolean;
  OOMKilled?: boolean;
  ExitCode?: number;
  Error?: string;
  Pid?: number;
}

/**
 * A backend that runs each session in its own container through the Docker Engine API (or Podman's
 * compatible API): one persistent shell per container, attached over the API's hijacked stream and driven
 * with `@vth/shell-integration` marks (a persistent shell is about 100 times cheaper per command than
 * `docker exec`). Containers start sandboxed: no network, no capabilities, no new privileges, a read-only
 * root, memory/CPU/process limits, a non-root user.
 *
 * @example
 * ```ts
 * const backend = new ContainerBackend({ image: 'my-sandbox:1' });
 * await backend.initialize({});
 * const s = await backend.createSession();
 * if (s.ok) console.log(await backend.executeCommand(s.value.id, 'python3 untrusted.py', undefined, { timeoutMs: 30_000 }));
 * await backend.shutdown(); // every container removed
 * ```
 */
export class ContainerBackend extends EventEmitter<BackendEventMap> implements ITerminalBackend {
  readonly type = 'container';
  readonly capabilities = CONTAINER_CAPABILITIES;
  private backendId: string;
  private readonly initial: ContainerConfigInput | undefined;
  private config: ContainerConfig | null = null;
  private schemas: CallSchemas | null = null;
  private state: 'new' | 'ready' | 'shut-down' = 'new';
  private engine: EngineClient | null = null;
  private endpoint: EngineEndpoint | null = null;
  private location: EngineLocation | null = null;
  /** Set when the engine stopped answering; cleared by the next call it answers. */
  private engineDown: string | null = null;
  /** Containers of sessions lost while the engine did not answer: removed once it answers again. */
  private readonly orphans = new Set<string>();
  private readonly sessions = new Map<string, ContainerSession>();
  private readonly pending = new Set<string>();
  private readonly metrics = new MetricsRecorder();
  private lastHealth: HealthStatus = 'unhealthy';

  constructor(config?: ContainerConfigInput) {
    super();
    this.initial = config;
    this.backendId = config?.id ?? createId('ctr');
  }

  get id(): string {
    return this.backendId;
  }

  async initialize(config: BackendConfig = {}): Promise<BackendResult<void>> {
    if (this.state === 'shut-down') return this.error('NOT_INITIALIZED', 'the backend has been shut down');
    if (this.state === 'ready') return ok();
    const parsed = parseInput(
      containerConfigSchema,
      { ...this.initial, ...config },
      'config',
      'INVALID_CONFIG',
    );
    if (!parsed.ok) return this.record(parsed);
    const cfg = parsed.value;
    if (cfg.id) this.backendId = cfg.id;
    const connected = await connectEngine(
      { host: cfg.host, tlsVerify: cfg.tlsVerify, certPath: cfg.certPath },
      { timeoutMs: cfg.requestTimeoutMs, backendId: this.id },
    );
    if (!connected.ok) return this.record(connected);
    const { engine, endpoint } = connected.value;
    const checked = await checkEngineLimits(engine, cfg, this.id);
    const image = checked.ok ? await inspectImage(engine, cfg.image) : checked;
    if (!image.ok) {
      engine.close();
      return this.record(fail(image.error.withBackendId(this.id)));
    }
    this.config = cfg;
    this.engine = engine;
    this.endpoint = endpoint;
    this.location = connected.value.location;
    this.schemas = callSchemas(cfg.maxCommandBytes);
    // A crashed earlier process of this instance (or any dead vth process on this host) left containers
    // behind: they go now.
    await removeLeftovers(engine, { instance: this.id, host: hostname() });
    this.state = 'ready';
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
    if (o.shell !== undefined && !o.shell.startsWith('/')) {
      return this.error(
        'INVALID_INPUT',
        'invalid options.shell: must be an absolute path inside the container',
      );
    }
    if (o.cwd !== undefined && !o.cwd.startsWith('/')) {
      return this.error(
        'INVALID_INPUT',
        'invalid options.cwd: must be an absolute path inside the container',
      );
    }
    const claimed = claimSessionId(o.sessionId, {
      sessions: this.sessions,
      pending: this.pending,
      maxSessions: cfg.maxSessions,
      backendId: this.id,
    });
    if (!claimed.ok) return this.record(claimed);
    const id = claimed.value;
    this.pending.add(id);
    try {
      return this.record(await this.openSession(id, o, cfg));
    } finally {
      this.pending.delete(id);
    }
  }

  private async openSession(
    id: string,
    o: z.output<typeof createSessionOptionsSchema>,
    cfg: ContainerConfig,
  ): Promise<BackendResult<SessionInfo>> {
    const engine = this.engine!;
    const shell = o.shell ?? cfg.shell;
    const dialect = dialectForShell(shell);
    const image = this.engineCall(await inspectImage(engine, cfg.image));
    if (!image.ok) return image;
    const spec = {
      sessionId: id,
      image: image.value,
      ...(o.cwd ? { cwd: o.cwd } : {}),
      ...(o.env ? { env: o.env } : {}),
      ...(o.profile ? { profile: o.profile } : {}),
      ...(o.labels ? { labels: o.labels } : {}),
    };
    const args = cfg.shellArgs ?? dialect.spawnArgs;
    const tooBig = execLimitProblem(sessionEnvironment(cfg, spec), [shell, ...args]);
    if (tooBig) return fail('INVALID_INPUT', `invalid options.env: ${tooBig}`, { backendId: this.id });
    const body = containerCreateBody(
      { ...cfg, shell },
      spec,
      { instance: this.id, host: hostname(), owner: ownerTag() },
      args,
    );
    const name = `vth-${this.id}-${id}`.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 200);
    const created = this.engineCall(
      await engine.json<{ Id: string }>('POST', `/containers/create?name=${encodeURIComponent(name)}`, body),
    );
    if (!created.ok) return created;
    const containerId = created.value.Id;
    // Attach before start, so not a byte the shell prints is missed.
    const attached = this.engineCall(
      await engine.hijack(`/containers/${containerId}/attach?stream=1&stdin=1&stdout=1&stderr=1`),
    );
    if (!attached.ok) {
      await this.removeContainer(containerId);
      return attached;
    }
    const stream = attached.value;
    const started = this.engineCall(await engine.json('POST', `/containers/${containerId}/start`));
    // The terminal's size is set once it exists (ConsoleSize at create needs API 1.42).
    const sized = started.ok
      ? this.engineCall(
          await engine.json(
            'POST',
            `/containers/${containerId}/resize?h=${o.rows ?? cfg.rows}&w=${o.cols ?? cfg.cols}`,
          ),
        )
      : started;
    if (!sized.ok) {
      stream.destroy();
      await this.removeContainer(containerId);
      return sized;
    }
    let hostPid: number | null | undefined;
    const runner = new ShellCommandRunner({
      transport: {
        write: (data) => {
          stream.write(data);
        },
        // Local engines only: the container's processes are visible in this host's /proc.
        signalForeground: async (signal) => {
          hostPid ??= await this.shellHostPid(containerId);
          return hostPid ? signalForegroundGroup(hostPid, signal) : false;
        },
        shellInForeground: async () => {
          hostPid ??= await this.shellHostPid(containerId);
          return hostPid ? shellOwnsTerminal(hostPid) : false;
        },
        terminate: () => {
          // The shell no longer answers vth (replaced by `exec`): end the session, not a dead container.
          if (session.closing) return;
          session.closing = 'crashed';
          void this.endSession(session);
        },
      },
      dialect,
      sessionId: id,
      paneId: CONTAINER_PANE,
      backendId: this.id,
      maxOutputBytes: cfg.maxOutputBytes,
      interruptGraceMs: cfg.interruptGraceMs,
      killGraceMs: cfg.killGraceMs,
      onOutput: (data, commandId) => this.onOutput(session, data, commandId),
      ...commandEvents(this, this.metrics, id, CONTAINER_PANE),
    });
    let gone!: () => void;
    const session: ContainerSession = {
      id,
      containerId,
      stream,
      runner,
      createdAt: Date.now(),
      ...(o.labels ? { labels: o.labels } : {}),
      scrollback: new BoundedOutputBuffer(1024 * 1024, { headBytes: 0 }),
      decoder: new StringDecoder('utf8'),
      closing: null,
      gone: new Promise<void>((r) => (gone = r)),
    };
    stream.on('data', (chunk: Buffer) => runner.feed(chunk));
    stream.on('error', () => {
      // 'close' follows and reports it.
    });
    stream.on('close', () => void this.onContainerGone(session).finally(gone));
    this.sessions.set(id, session);
    stream.write(runner.bootstrapText());
    const readyResult = await runner.ready(cfg.readyTimeoutMs);
    if (!readyResult.ok) {
      session.closing = 'crashed';
      await this.endSession(session);
      return fail(readyResult.error);
    }
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
    await this.endSession(found.value);
    return ok();
  }

  async listSessions(): Promise<BackendResult<SessionInfo[]>> {
    const ready = this.ready();
    if (!ready.ok) return this.record(ready);
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
    const resized = this.engineCall(
      await this.engine!.json(
        'POST',
        `/containers/${target.value.containerId}/resize?h=${r.value}&w=${c.value}`,
      ),
    );
    return this.record(resized.ok ? ok() : resized);
  }

  async getHealth(): Promise<BackendHealth> {
    const checkedAt = Date.now();
    if (this.state !== 'ready' || !this.engine) {
      return {
        status: 'unhealthy',
        message: this.state === 'new' ? 'not initialized' : 'shut down',
        checkedAt,
      };
    }
    // A real round trip to the engine, which also follows an engine upgraded meanwhile to its API version.
    const t0 = performance.now();
    const ping = this.engineCall(await this.engine.negotiate());
    const latencyMs = performance.now() - t0;
    if (!ping.ok) return { status: 'unhealthy', message: ping.error.message, checkedAt, latencyMs };
    const max = this.config!.maxSessions;
    const full = this.sessions.size >= max;
    return {
      status: full ? 'degraded' : 'healthy',
      ...(full ? { message: `at its maximum of ${max} sessions` } : {}),
      checkedAt,
      latencyMs,
      details: {
        sessions: this.sessions.size,
        image: this.config!.image,
        unsafe: [...new Set(this.config!.unsafe)].sort(),
        engine: {
          host: this.location!.host,
          source: this.location!.source,
          apiVersion: ping.value,
        },
      },
    };
  }

  getMetrics(): BackendMetrics {
    return this.metrics.snapshot(this.id, this.type, this.sessions.size);
  }

  async shutdown(): Promise<void> {
    if (this.state === 'shut-down') return;
    const wasReady = this.state === 'ready';
    this.state = 'shut-down';
    if (wasReady) {
      await Promise.all(
        [...this.sessions.values()].map((s) => {
          s.closing = 'shutdown';
          return this.endSession(s);
        }),
      );
      // Containers the engine could not remove while it was away: one last try.
      await Promise.all([...this.orphans].map((id) => this.removeContainer(id)));
    }
    this.engine?.close();
    void this.reportHealth();
  }

  // ---- sessions ----

  /** Removes the container (which ends its shell and everything in it) and waits for its stream to end. */
  private async endSession(session: ContainerSession): Promise<void> {
    session.runner.markClosing();
    await this.removeContainer(session.containerId);
    session.stream.destroy();
    await Promise.race([session.gone, new Promise((r) => setTimeout(r, 5000).unref())]);
    this.sessions.delete(session.id);
  }

  /**
   * Removes a container. One the engine could not remove (it stopped answering, or is shutting down) is
   * kept as an orphan and removed once the engine answers again, or at shutdown.
   */
  private async removeContainer(containerId: string): Promise<void> {
    if (!this.engine) return;
    const removed = this.engineCall(
      await this.engine.json('DELETE', `/containers/${containerId}?force=1&v=1`),
    );
    if (removed.ok || removed.error.code === 'SESSION_NOT_FOUND') {
      this.orphans.delete(containerId);
      return;
    }
    this.orphans.add(containerId);
  }

  /**
   * The container's stream ended. Unless vth ended it, the container died (killed, OOM-killed, the engine
   * stopped): find out why, end the session with that reason, and remove what is left of the container.
   */
  private async onContainerGone(session: ContainerSession): Promise<void> {
    const closing = session.closing;
    let reason: string;
    let exitCode: number | null = null;
    let killed = false;
    if (closing && closing !== 'crashed') {
      reason = `the session was ${closing === 'shutdown' ? 'shut down' : 'destroyed'}`;
    } else {
      const inspected = await this.engine!.json<{ State?: ContainerState }>(
        'GET',
        `/containers/${session.containerId}/json`,
      );
      const state = inspected.ok ? inspected.value.State : undefined;
      if (!inspected.ok) {
        reason = `the container's engine went away (${inspected.error.message})`;
        if (inspected.error.code === 'UNAVAILABLE') this.markEngineDown(inspected.error.message);
        this.orphans.add(session.containerId);
        killed = true;
      } else if (state?.OOMKilled) {
        reason = 'the container was killed for going over its memory limit (OOM)';
        killed = true;
      } else {
        exitCode = state?.ExitCode ?? null;
        killed = exitCode === null || exitCode >= 128;
        reason = killed
          ? `the container was killed${exitCode !== null ? ` (exit ${exitCode})` : ''}${state?.Error ? `: ${state.Error}` : ''}`
          : `the container's shell exited with code ${exitCode}`;
      }
      await this.removeContainer(session.containerId);
    }
    session.runner.close({
      exitCode,
      signal: killed ? 'SIGKILL' : null,
      reason,
      ...(closing && closing !== 'crashed' ? { intentional: true } : {}),
    });
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    this.metrics.sessionClosed();
    this.emit('session-closed', {
      sessionId: session.id,
      reason: closing ?? (killed ? 'crashed' : 'exited'),
      exitCode,
      signal: killed ? 'SIGKILL' : null,
    });
  }

  private onOutput(session: ContainerSession, data: Buffer, commandId: string | undefined): void {
    session.scrollback.append(data);
    if (this.listenerCount('output') === 0) return;
    const text = session.decoder.write(data);
    if (text) {
      this.emit('output', {
        sessionId: session.id,
        paneId: CONTAINER_PANE,
        ...(commandId === undefined ? {} : { commandId }),
        data: text,
      });
    }
  }

  /**
   * The host pid of the container's shell, when the engine runs on this host: the child of the container's
   * init (tini), as this host's /proc sees it. `null` for a remote engine.
   */
  private async shellHostPid(containerId: string): Promise<number | null> {
    if (this.endpoint?.kind !== 'unix') return null;
    const inspected = await this.engine!.json<{ State?: ContainerState }>(
      'GET',
      `/containers/${containerId}/json`,
    );
    const initPid = inspected.ok ? inspected.value.State?.Pid : undefined;
    if (!initPid || !readProcStat(initPid)) return null;
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (Number.isInteger(pid) && readProcStat(pid)?.ppid === initPid) return pid;
    }
    return null;
  }

  // ---- engine state ----

  /** Notes an engine that stopped answering (calls then fail fast) or answers again. */
  private engineCall<T>(result: BackendResult<T>): BackendResult<T> {
    if (!result.ok && result.error.code === 'UNAVAILABLE' && result.error.cause !== undefined) {
      this.markEngineDown(result.error.message);
    } else if (result.ok && this.engineDown) {
      this.engineDown = null;
      void this.reportHealth();
      for (const id of this.orphans) void this.removeContainer(id);
    }
    return result;
  }

  private markEngineDown(message: string): void {
    if (this.engineDown) return;
    this.engineDown = message;
    void this.reportHealth();
  }

  private async reportHealth(): Promise<void> {
    const health = await this.getHealth();
    if (health.status === this.lastHealth) return;
    const previous = this.lastHealth;
    this.lastHealth = health.status;
    this.emit('health-changed', { previous, current: health });
  }

  // ---- lookups and results ----

  private info(session: ContainerSession): SessionInfo {
    const cwd = session.runner.cwd;
    return {
      id: session.id,
      backendId: this.id,
      createdAt: session.createdAt,
      ...(cwd === undefined ? {} : { cwd }),
      panes: [CONTAINER_PANE],
      alive: !session.runner.closed,
      ...(session.labels ? { labels: session.labels } : {}),
    };
  }

  private ready(): BackendResult<ContainerConfig> {
    if (this.state !== 'ready' || !this.config) {
      return fail(
        'NOT_INITIALIZED',
        this.state === 'new' ? 'call initialize() first' : 'the backend has been shut down',
        { backendId: this.id },
      );
    }
    if (this.engineDown) {
      return fail('UNAVAILABLE', `the Docker Engine is not answering: ${this.engineDown}`, {
        backendId: this.id,
      });
    }
    return ok(this.config);
  }

  private lookup(sessionId: string): BackendResult<ContainerSession> {
    const ready = this.ready();
    if (!ready.ok) return ready;
    return lookupSession(this.table(), sessionId);
  }

  private target(
    sessionId: string,
    paneId: string | undefined,
    context?: ExecutionContext,
  ): BackendResult<ContainerSession> {
    const ready = this.ready();
    if (!ready.ok) return ready;
    return targetSinglePane(
      { ...this.table(), pane: CONTAINER_PANE, kind: 'container' },
      sessionId,
      paneId,
      context,
    );
  }

  private table(): SessionTable<ContainerSession> {
    return {
      sessions: this.sessions,
      backendId: this.id,
      isClosing: (s) => s.closing !== null,
    };
  }

  private error<T>(code: BackendError['code'], message: string): BackendResult<T> {
    return this.record(fail(code, message, { backendId: this.id }));
  }

  /** Counts failures for `getMetrics()` and reports them as `error` events when someone listens. */
  private record<T>(result: BackendResult<T>): BackendResult<T> {
    return this.metrics.track(result, this.id, this);
  }
}
