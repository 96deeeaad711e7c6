import { StringDecoder } from 'node:string_decoder';
import {
  fail,
  LIMITS,
  ok,
  type BackendCapabilities,
  type BackendConfig,
  type BackendHealth,
  type BackendResult,
  type CommandExecution,
  type HealthStatus,
  type SessionClosedEvent,
} from '@vth/core';
import { BoundedOutputBuffer, createId } from '@vth/core/kit';
import { commandEvents } from '@vth/shell-integration';
import { emitPaneOutput } from '../pane-output';
import { SessionBackend, type SessionOptions } from '../session-backend';
import { type BackendSession, type SessionBackendConfig } from '../session-parts';
import { fakeShellHandler, type FakeCommandHandler, type FakeShellState } from './fake-shell';
import {
  MEMORY_CAPABILITIES,
  MEMORY_PANE,
  type MemoryBackendOptions,
  type MemoryFault,
  type MemoryLatency,
  type MemoryRun,
} from './memory-options';
import { MemoryRunner } from './memory-runner';

interface MemorySession extends BackendSession {
  runner: MemoryRunner;
  output: { decoder: StringDecoder; scrollback: BoundedOutputBuffer };
}

function latencyValue(latency: MemoryLatency, command: string, sessionId: string): number {
  const ms = typeof latency === 'function' ? latency(command, sessionId) : latency;
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/**
 * An in-memory `ITerminalBackend` for tests of what sits on backends (a manager, a factory, an app):
 * sessions are objects, commands run through a programmable handler (a tiny shell by default, see
 * `fakeShellHandler`), and faults are injected on demand. It keeps the contract (the contract-only
 * conformance suite runs against it). Commands of a session run one at a time; latency is programmed, and
 * `durationMs` reports it exactly. `ran` lists every command that actually ran, so a test can prove that
 * no command ran twice. A fake beside real backends in tests, never instead.
 *
 * Faults: `failNext` (the next calls fail with a chosen error), `setDown` (everything fails `UNAVAILABLE`,
 * undispatched), `crash` (every session dies: the running command fails `BACKEND_CRASHED` dispatched,
 * queued ones `SESSION_NOT_FOUND` undispatched; new sessions fail `UNAVAILABLE` until `recover`), and
 * `hold` / `release` (commands start but do not finish: in flight for as long as a test needs).
 *
 * @example
 * ```ts
 * const backend = new MemoryBackend({ id: 'a', latencyMs: 5 });
 * const s = await backend.createSession({ cwd: '/srv' });
 * if (s.ok) await backend.executeCommand(s.value.id, 'export A=1 && echo $A'); // output '1\n'
 * backend.crash();
 * expect(backend.ran).toEqual(['export A=1 && echo $A']);
 * ```
 */
export class MemoryBackend extends SessionBackend<MemorySession, SessionBackendConfig> {
  readonly type: string;
  readonly capabilities: BackendCapabilities;
  /** Every command that ran, in the order it started. */
  readonly ran: string[] = [];
  /** The same, with the session each ran in. */
  readonly runs: MemoryRun[] = [];
  /** Data passed to `sendInput`, in order. */
  readonly inputs: Array<{ sessionId: string; data: string }> = [];
  /** The plugin config the backend was created with, when a plugin created it (see `memoryPlugin`). */
  readonly createdWith: unknown;
  /** What the last `initialize` was called with. */
  initializedWith: BackendConfig | undefined;
  /** How many times `shutdown` was called. */
  shutdownCalls = 0;

  private readonly now: () => number;
  private readonly requireInitialize: boolean;
  private readonly defaultCwd: string;
  private readonly defaultEnv: Record<string, string>;
  private readonly onInitialize: MemoryBackendOptions['onInitialize'];
  private latency: MemoryLatency;
  private handler: FakeCommandHandler;
  private readonly faults: MemoryFault[] = [];
  private down = false;
  private crashed = false;
  private holding = false;
  private readonly parked: Array<() => void> = [];
  private lastStatus: HealthStatus;

  constructor(options: MemoryBackendOptions = {}) {
    const type = options.type ?? 'memory';
    super({ id: options.id ?? createId(type), singlePane: MEMORY_PANE, healthEvents: true });
    this.type = type;
    this.capabilities = { ...MEMORY_CAPABILITIES, ...options.capabilities };
    this.latency = options.latencyMs ?? 0;
    this.handler = options.handler ?? fakeShellHandler;
    this.defaultCwd = options.cwd ?? '/home/fake';
    this.defaultEnv = options.env ?? { HOME: '/home/fake' };
    this.requireInitialize = options.requireInitialize ?? false;
    this.now = options.now ?? Date.now;
    this.onInitialize = options.onInitialize;
    this.createdWith = options.createdWith;
    this.adopt({ maxSessions: options.maxSessions ?? Infinity, maxCommandBytes: LIMITS.commandBytes });
    this.lastStatus = this.status();
  }

  /** `initialize` succeeded and the backend is not shut down. */
  get initialized(): boolean {
    return this.state === 'ready';
  }

  /** Commands started and not finished, across sessions. */
  get inFlight(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.runner.running) n++;
    return n;
  }

  // ---- programming the backend ----

  /** Latency of commands from now on (those already running keep theirs). */
  setLatency(latency: MemoryLatency): void {
    this.latency = latency;
  }

  /** What commands do from now on, in place of `fakeShellHandler`. */
  setHandler(handler: FakeCommandHandler): void {
    this.handler = handler;
  }

  /** The next `n` calls of the kind `fault.on` (commands by default) fail with this error. */
  failNext(n: number, fault: MemoryFault): void {
    for (let i = 0; i < n; i++) this.faults.push(fault);
  }

  /** Drops the faults `failNext` queued and no call has met yet. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Down: every call fails `UNAVAILABLE` (dispatched: false), createSession too; health is unhealthy. */
  setDown(down: boolean): void {
    this.down = down;
    this.reportHealth();
  }

  /**
   * The backend dies with its sessions: running commands fail `BACKEND_CRASHED` (dispatched: they may have
   * run), queued ones `SESSION_NOT_FOUND` (not dispatched), later calls on those sessions
   * `SESSION_NOT_FOUND`, every session closes with reason `crashed`, and new sessions fail `UNAVAILABLE`
   * until `recover()`.
   */
  crash(): void {
    this.crashed = true;
    for (const session of [...this.sessions.values()]) this.closeSession(session, 'crashed');
    this.reportHealth();
  }

  /** Undoes `setDown(true)` and `crash()`. Sessions lost in a crash stay lost. */
  recover(): void {
    this.down = false;
    this.crashed = false;
    this.reportHealth();
  }

  /** Commands still start (and count in `ran`) but do not finish until `release()`. */
  hold(): void {
    this.holding = true;
  }

  /** Finishes the commands `hold()` kept in flight, and lets later ones finish normally. */
  release(): void {
    this.holding = false;
    for (const finish of this.parked.splice(0)) finish();
  }

  /** A copy of a live session's shell state (cwd, environment, `$?`), or `undefined`. */
  shellState(sessionId: string): FakeShellState | undefined {
    const shell = this.sessions.get(sessionId)?.runner.shell;
    return shell && { ...shell, env: { ...shell.env } };
  }

  // ---- ITerminalBackend ----

  override async initialize(config: BackendConfig = {}): Promise<BackendResult<void>> {
    this.initializedWith = config;
    const started = await super.initialize(config);
    if (!started.ok || !this.onInitialize) return started;
    return this.onInitialize(config);
  }

  override shutdown(): Promise<void> {
    this.shutdownCalls++;
    return super.shutdown();
  }

  async getHealth(): Promise<BackendHealth> {
    const message = this.statusMessage();
    return {
      status: this.status(),
      ...(message === undefined ? {} : { message }),
      checkedAt: this.now(),
      details: { sessions: this.sessions.size, inFlight: this.inFlight },
    };
  }

  protected async start(config: BackendConfig): Promise<BackendResult<void>> {
    if (typeof config?.id === 'string' && config.id !== '') this.backendId = config.id;
    return ok();
  }

  protected override refuseOptions(_options: SessionOptions): BackendResult<never> | null {
    if (this.crashed) {
      return fail('UNAVAILABLE', `backend ${this.id} has crashed`, { dispatched: false, backendId: this.id });
    }
    const fault = this.takeFault('createSession');
    return fault ? this.faultResult(fault) : null;
  }

  protected async openSession(id: string, o: SessionOptions): Promise<BackendResult<MemorySession>> {
    const shell: FakeShellState = {
      sessionId: id,
      cwd: o.cwd ?? this.defaultCwd,
      env: { ...this.defaultEnv, ...o.env },
      lastExitCode: 0,
    };
    const output = {
      decoder: new StringDecoder('utf8'),
      scrollback: new BoundedOutputBuffer(1024 * 1024, { headBytes: 0 }),
    };
    const events = commandEvents(this, this.metrics, id, MEMORY_PANE);
    const backendId = () => this.id;
    const runner = new MemoryRunner(
      {
        get id() {
          return backendId();
        },
        now: () => this.now(),
        handle: (command, state) => this.handler(command, state),
        latency: (command, sessionId) => latencyValue(this.latency, command, sessionId),
        takeFault: () => this.takeFault('command'),
        faultResult: (fault, execution) => this.faultResult(fault, execution),
        park: (finish) => this.holding && this.parked.push(finish) > 0,
        started: (info) => {
          this.ran.push(info.command);
          this.runs.push({ sessionId: id, command: info.command, startedAt: info.startedAt });
          events.onCommandStarted!(info);
        },
        completed: (execution, outputBytes) => events.onCommandCompleted!(execution, outputBytes),
        printed: (text, commandId) =>
          emitPaneOutput(this, output, id, MEMORY_PANE, Buffer.from(text), commandId),
        typed: (data) => this.inputs.push({ sessionId: id, data }),
      },
      id,
      shell,
    );
    const session: MemorySession = {
      id,
      createdAt: this.now(),
      ...(o.labels ? { labels: o.labels } : {}),
      closing: null,
      runner,
      output,
    };
    this.sessions.set(id, session);
    return ok(session);
  }

  protected async resizePane(): Promise<BackendResult<void>> {
    return ok();
  }

  protected async endSessions(
    sessions: readonly MemorySession[],
    reason: 'destroyed' | 'shutdown',
  ): Promise<void> {
    for (const session of sessions) this.closeSession(session, reason);
  }

  /** Whether the backend answers at all (shut down, not initialized, down). */
  protected override ready(): BackendResult<SessionBackendConfig> {
    if (this.state === 'shut-down') {
      return fail('NOT_INITIALIZED', 'the backend has been shut down', { backendId: this.id });
    }
    if (this.requireInitialize && this.state === 'new') {
      return fail('NOT_INITIALIZED', 'call initialize() first', { backendId: this.id });
    }
    if (this.down) {
      return fail('UNAVAILABLE', `backend ${this.id} is down`, { dispatched: false, backendId: this.id });
    }
    return ok(this.config!);
  }

  /** Emits `health-changed` when the status differs from the last one reported, at once. */
  protected override reportHealth(): Promise<void> {
    const status = this.status();
    if (status !== this.lastStatus) {
      const previous = this.lastStatus;
      this.lastStatus = status;
      const message = this.statusMessage();
      this.emit('health-changed', {
        previous,
        current: { status, ...(message === undefined ? {} : { message }), checkedAt: this.now() },
      });
    }
    return Promise.resolve();
  }

  // ---- helpers ----

  private closeSession(session: MemorySession, reason: SessionClosedEvent['reason']): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    session.runner.close(reason);
    this.metrics.sessionClosed();
    this.emit('session-closed', {
      sessionId: session.id,
      reason,
      ...(reason === 'crashed' ? { exitCode: null, signal: null } : {}),
    });
  }

  private takeFault(on: NonNullable<MemoryFault['on']>): MemoryFault | null {
    const i = this.faults.findIndex((f) => (f.on ?? 'command') === on);
    if (i < 0) return null;
    return this.faults.splice(i, 1)[0]!;
  }

  private faultResult<T>(fault: MemoryFault, execution?: CommandExecution): BackendResult<T> {
    return fail(fault.code, fault.message ?? `injected ${fault.code}`, {
      dispatched: fault.dispatched,
      backendId: this.id,
      ...(execution ? { details: { execution } } : {}),
    });
  }

  private status(): HealthStatus {
    return this.statusMessage() === undefined ? 'healthy' : 'unhealthy';
  }

  private statusMessage(): string | undefined {
    if (this.state === 'shut-down') return 'shut down';
    if (this.requireInitialize && this.state === 'new') return 'not initialized';
    if (this.crashed) return 'crashed';
    if (this.down) return 'down';
    return undefined;
  }
}
