import { EventEmitter } from 'node:events';
import {
  auditFields,
  BackendError,
  captureOptionsSchema,
  commandSchema,
  createId,
  createSessionOptionsSchema,
  fail,
  inputDataSchema,
  lastLines,
  MetricsRecorder,
  ok,
  parseInput,
  terminalSizeSchema,
  type BackendCapabilities,
  type BackendConfig,
  type BackendErrorCode,
  type BackendEventMap,
  type BackendHealth,
  type BackendMetrics,
  type BackendResult,
  type CaptureOptions,
  type CommandExecution,
  type CommandStatus,
  type CreateSessionOptions,
  type ExecutionContext,
  type HealthStatus,
  type ITerminalBackend,
  type SessionClosedEvent,
  type SessionInfo,
  lookupSession,
  targetSinglePane,
  type SessionTable,
} from '@vth/core';
import { fakeShellHandler, type FakeCommandHandler, type FakeShellState } from './fake-shell';

/** What a fake can do: everything but panes, remoteness and isolation. */
export const FAKE_CAPABILITIES: BackendCapabilities = {
  persistentSessions: true,
  multiplePanes: false,
  resize: true,
  interrupt: true,
  sendInput: true,
  capture: true,
  streaming: true,
  exitCodes: true,
  cwdTracking: true,
  isolation: 'none',
  remote: false,
};

/** The one pane of a fake session. */
export const FAKE_PANE = '0';

/** Latency of a command in ms, fixed or per command. 0 answers in a microtask. */
export type FakeLatency = number | ((command: string, sessionId: string) => number);

/** A failure `failNext` injects. */
export interface FakeFault {
  code: BackendErrorCode;
  /**
   * `false`: the command never reaches the fake shell (not in `ran`). `true`: it runs (its effects happen,
   * it is in `ran`) and the answer is lost: the case where retrying elsewhere would run it twice.
   */
  dispatched: boolean;
  message?: string;
  /** Which calls fail: commands (`executeCommand`, each command of `executeBatch`) or `createSession`. */
  on?: 'command' | 'createSession';
}

/** One command the fake actually ran. */
export interface FakeRun {
  sessionId: string;
  command: string;
  startedAt: number;
}

export interface FakeBackendOptions {
  /** Default: a generated `fake-…` id. `initialize({ id })` may change it, as on real backends. */
  id?: string;
  /** Default `'fake'`. */
  type?: string;
  capabilities?: Partial<BackendCapabilities>;
  /** Default 0. */
  latencyMs?: FakeLatency;
  /** Default `fakeShellHandler`. */
  handler?: FakeCommandHandler;
  /** Working directory of new sessions without `cwd`. Default `/home/fake`. */
  cwd?: string;
  /** Environment of every new session, under the session's own `env`. Default `{ HOME: '/home/fake' }`. */
  env?: Record<string, string>;
  /** Answer `NOT_INITIALIZED` until `initialize` is called, as real backends do. Default false. */
  requireInitialize?: boolean;
  /** Clock for `startedAt`, `createdAt` and `checkedAt`. Default `Date.now`. */
  now?: () => number;
}

interface Job {
  id: string;
  command: string;
  context: ExecutionContext;
  state: 'queued' | 'running' | 'done';
  /** A dispatched fault from `failNext`: the command runs, then this error is returned. */
  fault: FakeFault | null;
  startedAt: number;
  latency: number;
  output: string;
  exitCode: number | null;
  /** The handler threw: the command ran (it may have changed the shell) but has no proper outcome. */
  handlerError: unknown;
  timer: ReturnType<typeof setTimeout> | null;
  onAbort: (() => void) | null;
  resolve: (result: BackendResult<CommandExecution>) => void;
}

interface FakeSession {
  id: string;
  shell: FakeShellState;
  createdAt: number;
  labels?: Record<string, string>;
  /** The running job first, then the queued ones: one command at a time, as in a real shell. */
  jobs: Job[];
  scrollback: string;
}

const COMMAND = commandSchema();
const MAX_BATCH = 10_000;
const INPUT = inputDataSchema();

function latencyValue(latency: FakeLatency, command: string, sessionId: string): number {
  const ms = typeof latency === 'function' ? latency(command, sessionId) : latency;
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/**
 * An in-memory `ITerminalBackend` for manager tests: sessions are objects, commands run through a
 * programmable handler (a tiny shell by default), and faults are injected on demand. Commands of a
 * session run one at a time, like in a shell; latency is programmed, and `durationMs` reports it exactly,
 * so latency-based routing is testable without timing. `ran` lists every command that actually ran, so a
 * test can prove that no command ran twice. A fake in addition to real backends, never instead.
 *
 * Faults: `failNext` (the next calls fail with a chosen error), `setDown` (everything fails `UNAVAILABLE`,
 * undispatched), `crash` (every session dies: the running command fails `BACKEND_CRASHED` dispatched,
 * queued ones `SESSION_NOT_FOUND` undispatched; new sessions fail `UNAVAILABLE` until `recover`), and
 * `hold` / `release` (commands start but do not finish: in flight for as long as a test needs).
 *
 * @example
 * ```ts
 * const backend = new FakeBackend({ id: 'a', latencyMs: 5 });
 * const s = await backend.createSession({ cwd: '/srv' });
 * if (s.ok) await backend.executeCommand(s.value.id, 'export A=1 && echo $A'); // output '1\n'
 * backend.crash();
 * expect(backend.ran).toEqual(['export A=1 && echo $A']);
 * ```
 */
export class FakeBackend extends EventEmitter<BackendEventMap> implements ITerminalBackend {
  readonly type: string;
  readonly capabilities: BackendCapabilities;
  /** Every command that ran, in the order it started. */
  readonly ran: string[] = [];
  /** The same, with the session each ran in. */
  readonly runs: FakeRun[] = [];
  /** Data passed to `sendInput`, in order. */
  readonly inputs: Array<{ sessionId: string; data: string }> = [];

  private backendId: string;
  private readonly now: () => number;
  private readonly requireInitialize: boolean;
  private readonly defaultCwd: string;
  private readonly defaultEnv: Record<string, string>;
  private latency: FakeLatency;
  private handler: FakeCommandHandler;
  private readonly sessions = new Map<string, FakeSession>();
  private readonly faults: FakeFault[] = [];
  private readonly metrics = new MetricsRecorder();
  private state: 'new' | 'ready' | 'shut-down' = 'new';
  private down = false;
  private crashed = false;
  private holding = false;
  private readonly parked: Array<{ session: FakeSession; job: Job; status: CommandStatus }> = [];
  private lastStatus: HealthStatus;
  private commandCount = 0;

  constructor(options: FakeBackendOptions = {}) {
    super();
    this.backendId = options.id ?? createId('fake');
    this.type = options.type ?? 'fake';
    this.capabilities = { ...FAKE_CAPABILITIES, ...options.capabilities };
    this.latency = options.latencyMs ?? 0;
    this.handler = options.handler ?? fakeShellHandler;
    this.defaultCwd = options.cwd ?? '/home/fake';
    this.defaultEnv = options.env ?? { HOME: '/home/fake' };
    this.requireInitialize = options.requireInitialize ?? false;
    this.now = options.now ?? Date.now;
    this.lastStatus = this.status();
  }

  get id(): string {
    return this.backendId;
  }

  get initialized(): boolean {
    return this.state === 'ready';
  }

  /** Commands started and not finished, across sessions. */
  get inFlight(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.jobs[0]?.state === 'running') n++;
    return n;
  }

  // ---- programming the fake -------------------------------------------------------------------------

  setLatency(latency: FakeLatency): void {
    this.latency = latency;
  }

  setHandler(handler: FakeCommandHandler): void {
    this.handler = handler;
  }

  /** The next `n` calls of the kind `fault.on` (commands by default) fail with this error. */
  failNext(n: number, fault: FakeFault): void {
    for (let i = 0; i < n; i++) this.faults.push(fault);
  }

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
    for (const { session, job, status } of this.parked.splice(0)) this.finish(session, job, status);
  }

  /** A copy of a live session's shell state (cwd, environment, `$?`), or `undefined`. */
  shellState(sessionId: string): FakeShellState | undefined {
    const shell = this.sessions.get(sessionId)?.shell;
    return shell && { ...shell, env: { ...shell.env } };
  }

  // ---- ITerminalBackend -----------------------------------------------------------------------------

  async initialize(config: BackendConfig = {}): Promise<BackendResult<void>> {
    if (this.state === 'shut-down') return this.error('NOT_INITIALIZED', 'the backend has been shut down');
    if (typeof config.id === 'string' && config.id !== '') this.backendId = config.id;
    this.state = 'ready';
    this.reportHealth();
    return ok();
  }

  async createSession(
    options: CreateSessionOptions = {},
    _context?: ExecutionContext,
  ): Promise<BackendResult<SessionInfo>> {
    const usable = this.usable();
    if (!usable.ok) return this.record(usable);
    if (this.crashed) {
      return this.error('UNAVAILABLE', `backend ${this.id} has crashed`, { dispatched: false });
    }
    const parsed = parseInput(createSessionOptionsSchema, options ?? {}, 'options');
    if (!parsed.ok) return this.record(parsed);
    const fault = this.takeFault('createSession');
    if (fault) return this.record(this.faultResult(fault));
    const o = parsed.value;
    const id = o.sessionId ?? createId('fake');
    if (this.sessions.has(id)) return this.error('INVALID_INPUT', `session "${id}" already exists`);
    const session: FakeSession = {
      id,
      shell: {
        sessionId: id,
        cwd: o.cwd ?? this.defaultCwd,
        env: { ...this.defaultEnv, ...o.env },
        lastExitCode: 0,
      },
      createdAt: this.now(),
      ...(o.labels ? { labels: o.labels } : {}),
      jobs: [],
      scrollback: '',
    };
    this.sessions.set(id, session);
    this.metrics.sessionCreated();
    const info = this.info(session);
    this.emit('session-created', info);
    return ok(info);
  }

  async destroySession(sessionId: string): Promise<BackendResult<void>> {
    const found = this.lookup(sessionId);
    if (!found.ok) return this.record(found);
    this.closeSession(found.value, 'destroyed');
    return ok();
  }

  async listSessions(): Promise<BackendResult<SessionInfo[]>> {
    const usable = this.usable();
    if (!usable.ok) return this.record(usable);
    return ok([...this.sessions.values()].map((s) => this.info(s)));
  }

  async executeCommand(
    sessionId: string,
    command: string,
    paneId?: string,
    context: ExecutionContext = {},
  ): Promise<BackendResult<CommandExecution>> {
    const target = this.target(sessionId, paneId, context);
    if (!target.ok) return this.record(target);
    const cmd = parseInput(COMMAND, command, 'command');
    if (!cmd.ok) return this.record(cmd);
    return this.record(await this.run(target.value, cmd.value, context ?? {}));
  }

  async executeBatch(
    sessionId: string,
    commands: string[],
    paneId?: string,
    context: ExecutionContext = {},
  ): Promise<BackendResult<CommandExecution[]>> {
    const target = this.target(sessionId, paneId, context);
    if (!target.ok) return this.record(target);
    const cmds = this.parseCommands(commands);
    if (!cmds.ok) return this.record(cmds);
    const executions: CommandExecution[] = [];
    for (const command of cmds.value) {
      const result = await this.run(target.value, command, context ?? {});
      if (!result.ok) {
        // As real backends do: once a command of the batch ran, the batch as a whole was dispatched.
        const e = result.error;
        return this.record(
          fail(
            new BackendError(e.code, e.message, {
              dispatched: e.dispatched || executions.length > 0,
              backendId: this.id,
              cause: e,
              details: { ...e.details, executions },
            }),
          ),
        );
      }
      executions.push(result.value);
    }
    return ok(executions);
  }

  async sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const input = parseInput(INPUT, data, 'data');
    if (!input.ok) return this.record(input);
    this.inputs.push({ sessionId: target.value.id, data: input.value });
    return ok();
  }

  async interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const running = target.value.jobs[0];
    if (running?.state === 'running') this.finish(target.value, running, 'interrupted');
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
    const text = target.value.scrollback;
    return ok(opts.value.lines === undefined ? text : lastLines(text, opts.value.lines));
  }

  async resize(sessionId: string, cols: number, rows: number, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const c = parseInput(terminalSizeSchema, cols, 'cols');
    if (!c.ok) return this.record(c);
    const r = parseInput(terminalSizeSchema, rows, 'rows');
    if (!r.ok) return this.record(r);
    return ok();
  }

  async getHealth(): Promise<BackendHealth> {
    const status = this.status();
    const message = this.statusMessage();
    return {
      status,
      ...(message === undefined ? {} : { message }),
      checkedAt: this.now(),
      details: { sessions: this.sessions.size, inFlight: this.inFlight },
    };
  }

  getMetrics(): BackendMetrics {
    return this.metrics.snapshot(this.id, this.type, this.sessions.size);
  }

  async shutdown(): Promise<void> {
    if (this.state === 'shut-down') return;
    this.state = 'shut-down';
    for (const session of [...this.sessions.values()]) this.closeSession(session, 'shutdown');
    this.reportHealth();
  }

  // ---- running commands -----------------------------------------------------------------------------

  private run(
    session: FakeSession,
    command: string,
    context: ExecutionContext,
  ): Promise<BackendResult<CommandExecution>> {
    const fault = this.takeFault('command');
    if (fault && !fault.dispatched) return Promise.resolve(this.faultResult(fault));
    return new Promise((resolve) => {
      const job: Job = {
        id: `${session.id}-c${(++this.commandCount).toString(36)}`,
        command,
        context,
        state: 'queued',
        fault,
        startedAt: 0,
        latency: 0,
        output: '',
        exitCode: null,
        handlerError: undefined,
        timer: null,
        onAbort: null,
        resolve,
      };
      if (context.signal?.aborted) {
        resolve(ok(this.execution(session, job, 'interrupted')));
        return;
      }
      session.jobs.push(job);
      if (session.jobs.length === 1) this.start(session, job);
    });
  }

  private start(session: FakeSession, job: Job): void {
    job.state = 'running';
    job.startedAt = this.now();
    this.ran.push(job.command);
    this.runs.push({ sessionId: session.id, command: job.command, startedAt: job.startedAt });
    this.metrics.commandStarted();
    this.emit('command-started', {
      sessionId: session.id,
      paneId: FAKE_PANE,
      commandId: job.id,
      command: job.command,
      startedAt: job.startedAt,
      ...auditFields(job.context),
    });
    // The command takes effect when it starts, as in a shell: a crash while it runs leaves its effects.
    try {
      const result = this.handler(job.command, session.shell);
      job.output = result.output ?? '';
      job.exitCode = result.exitCode === undefined ? 0 : result.exitCode;
      if (job.exitCode !== null) session.shell.lastExitCode = job.exitCode;
    } catch (e) {
      job.handlerError = e;
    }
    job.latency = latencyValue(this.latency, job.command, session.id);
    const signal = job.context.signal;
    if (signal) {
      job.onAbort = () => this.finish(session, job, 'interrupted');
      signal.addEventListener('abort', job.onAbort, { once: true });
    }
    const timeout = job.context.timeoutMs;
    const timesOut = timeout !== undefined && job.latency > timeout;
    const wait = timesOut ? timeout : job.latency;
    const done = () => {
      job.timer = null;
      const status = timesOut ? 'timed-out' : 'completed';
      if (this.holding && job.state === 'running') this.parked.push({ session, job, status });
      else this.finish(session, job, status);
    };
    if (wait === 0) void Promise.resolve().then(done);
    else {
      job.timer = setTimeout(done, wait);
      job.timer.unref?.();
    }
  }

  /** Ends the running `job` of `session` and starts the next one. Ignores a job already ended. */
  private finish(session: FakeSession, job: Job, status: CommandStatus): void {
    if (job.state !== 'running') return;
    this.settle(job);
    if (job.handlerError !== undefined) {
      job.resolve(
        fail('INTERNAL', `the fake command handler threw: ${String(job.handlerError)}`, {
          dispatched: true,
          backendId: this.id,
          cause: job.handlerError,
        }),
      );
    } else {
      const execution = this.execution(session, job, status);
      if (execution.output !== '') {
        session.scrollback += execution.output;
        job.context.onOutput?.(execution.output);
        this.emit('output', {
          sessionId: session.id,
          paneId: FAKE_PANE,
          commandId: job.id,
          data: execution.output,
        });
      }
      this.metrics.commandFinished(execution, Buffer.byteLength(execution.output));
      this.emit('command-completed', execution);
      job.resolve(job.fault ? this.faultResult(job.fault, execution) : ok(execution));
    }
    session.jobs.shift();
    const next = session.jobs[0];
    if (next && this.sessions.get(session.id) === session) this.start(session, next);
  }

  private execution(session: FakeSession, job: Job, status: CommandStatus): CommandExecution {
    const completed = status === 'completed';
    const startedAt = job.startedAt || this.now();
    return {
      id: job.id,
      sessionId: session.id,
      paneId: FAKE_PANE,
      command: job.command,
      status,
      exitCode: completed ? job.exitCode : null,
      output: completed ? job.output : '',
      truncatedBytes: 0,
      cwd: session.shell.cwd,
      startedAt,
      // The programmed latency, not wall time, so tests of latency-based routing are exact.
      durationMs:
        status === 'timed-out'
          ? (job.context.timeoutMs ?? 0)
          : completed
            ? job.latency
            : Math.max(0, this.now() - startedAt),
      backendId: this.id,
    };
  }

  /** Stops a job's timer and abort listener. */
  private settle(job: Job): void {
    job.state = 'done';
    if (job.timer) clearTimeout(job.timer);
    job.timer = null;
    if (job.onAbort) job.context.signal?.removeEventListener('abort', job.onAbort);
    job.onAbort = null;
  }

  /**
   * Ends a session. Its running command ends `interrupted` when the session was asked to end, and fails
   * `BACKEND_CRASHED` (dispatched) when it crashed; queued commands fail `SESSION_NOT_FOUND` undispatched.
   */
  private closeSession(session: FakeSession, reason: SessionClosedEvent['reason']): void {
    this.sessions.delete(session.id);
    const [first, ...queued] = session.jobs.splice(0);
    if (first?.state === 'running') {
      if (reason === 'crashed') {
        this.settle(first);
        const execution = this.execution(session, first, 'lost');
        this.metrics.commandFinished(execution, 0);
        this.emit('command-completed', execution);
        first.resolve(
          fail('BACKEND_CRASHED', `command ${first.id} was lost: backend ${this.id} crashed`, {
            dispatched: true,
            backendId: this.id,
            details: { execution },
          }),
        );
      } else {
        // `finish` shifts the queue and starts the next job: give it a queue of one, already detached.
        session.jobs.push(first);
        this.finish(session, first, 'interrupted');
      }
    }
    for (const job of queued) {
      job.state = 'done';
      job.resolve(
        fail('SESSION_NOT_FOUND', `session ${session.id} ended (${reason}) before the command ran`, {
          dispatched: false,
          backendId: this.id,
        }),
      );
    }
    for (let i = this.parked.length - 1; i >= 0; i--) {
      if (this.parked[i]!.session === session) this.parked.splice(i, 1);
    }
    this.metrics.sessionClosed();
    this.emit('session-closed', {
      sessionId: session.id,
      reason,
      ...(reason === 'crashed' ? { exitCode: null, signal: null } : {}),
    });
  }

  // ---- helpers --------------------------------------------------------------------------------------

  /** Checked by hand rather than with a zod array: the testing entry point depends on @vth/core only. */
  private parseCommands(commands: unknown): BackendResult<string[]> {
    if (!Array.isArray(commands)) {
      return fail('INVALID_INPUT', 'invalid commands: must be an array', { backendId: this.id });
    }
    if (commands.length > MAX_BATCH) {
      return fail('INVALID_INPUT', `invalid commands: at most ${MAX_BATCH} per batch`, {
        backendId: this.id,
      });
    }
    const out: string[] = [];
    for (const [i, command] of commands.entries()) {
      const parsed = parseInput(COMMAND, command, `commands[${i}]`);
      if (!parsed.ok) return parsed;
      out.push(parsed.value);
    }
    return ok(out);
  }

  private takeFault(on: NonNullable<FakeFault['on']>): FakeFault | null {
    const i = this.faults.findIndex((f) => (f.on ?? 'command') === on);
    if (i < 0) return null;
    return this.faults.splice(i, 1)[0]!;
  }

  private faultResult<T>(fault: FakeFault, execution?: CommandExecution): BackendResult<T> {
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

  /** Emits `health-changed` when the status differs from the last one reported. */
  private reportHealth(): void {
    const status = this.status();
    if (status === this.lastStatus) return;
    const previous = this.lastStatus;
    this.lastStatus = status;
    const message = this.statusMessage();
    this.emit('health-changed', {
      previous,
      current: { status, ...(message === undefined ? {} : { message }), checkedAt: this.now() },
    });
  }

  /** Whether the backend answers at all (shut down, not initialized, down). */
  private usable(): BackendResult<void> {
    if (this.state === 'shut-down') {
      return fail('NOT_INITIALIZED', 'the backend has been shut down', { backendId: this.id });
    }
    if (this.requireInitialize && this.state === 'new') {
      return fail('NOT_INITIALIZED', 'call initialize() first', { backendId: this.id });
    }
    if (this.down) {
      return fail('UNAVAILABLE', `backend ${this.id} is down`, { dispatched: false, backendId: this.id });
    }
    return ok();
  }

  private lookup(sessionId: string): BackendResult<FakeSession> {
    const ready = this.usable();
    if (!ready.ok) return ready;
    return lookupSession(this.table(), sessionId);
  }

  private target(
    sessionId: string,
    paneId: string | undefined,
    context?: ExecutionContext,
  ): BackendResult<FakeSession> {
    const ready = this.usable();
    if (!ready.ok) return ready;
    return targetSinglePane({ ...this.table(), pane: FAKE_PANE, kind: 'fake' }, sessionId, paneId, context);
  }

  private table(): SessionTable<FakeSession> {
    return {
      sessions: this.sessions,
      backendId: this.id,
    };
  }

  private info(session: FakeSession): SessionInfo {
    return {
      id: session.id,
      backendId: this.id,
      createdAt: session.createdAt,
      cwd: session.shell.cwd,
      panes: [FAKE_PANE],
      alive: true,
      ...(session.labels ? { labels: session.labels } : {}),
    };
  }

  private error<T>(
    code: BackendErrorCode,
    message: string,
    options: { dispatched?: boolean } = {},
  ): BackendResult<T> {
    return this.record(fail(code, message, { ...options, backendId: this.id }));
  }

  /** Counts failures for `getMetrics()` and reports them as `error` events when someone listens. */
  private record<T>(result: BackendResult<T>): BackendResult<T> {
    return this.metrics.track(result, this.id, this);
  }
}
