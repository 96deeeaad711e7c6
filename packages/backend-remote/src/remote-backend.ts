import { readFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import {
  INTERACTIVE_SHELL_CAPABILITIES,
  SessionBackend,
  notReadyHealth,
  type SessionOptions,
} from '@vth/backend-kit';
import {
  BackendError,
  fail,
  ok,
  paneIdSchema,
  type BackendCapabilities,
  type BackendConfig,
  type BackendHealth,
  type BackendResult,
  type CommandExecution,
  type CommandOutput,
  type CommandWaitResult,
  type ExecutionContext,
  type ReadOutputOptions,
  type SessionClosedEvent,
  type WaitForOptions,
} from '@vth/core';
import { auditFields, createId, emitErrorSafely, parseInput } from '@vth/core/kit';
import { sessionInfoSchema, type HelloMessage } from '@vth/protocol';
import { remoteConfigSchema, type RemoteConfig, type RemoteConfigInput } from './config';
import { RemoteLink } from './remote-link';
import { RemoteLongCommands } from './remote-long-commands';
import { RemoteRunner } from './remote-runner';
import { type RemotePane, type RemoteSession } from './remote-session';

/**
 * What the backend claims before it has talked to a server (the plugin's capabilities): an interactive
 * shell elsewhere. Once connected it mirrors what the server's backend reports in `hello`.
 */
export const REMOTE_CAPABILITIES: Readonly<BackendCapabilities> = Object.freeze({
  ...INTERACTIVE_SHELL_CAPABILITIES,
  remote: true,
  flowControl: false,
  longCommands: false,
});

/**
 * The capabilities of a remote backend over a server whose backend reports `remote`: what travels over the
 * wire is mirrored, long commands too (`command.read` / `command.wait`); flow control (`pauseOutput`) is
 * not offered over it (false).
 */
export function mirrorCapabilities(remote: HelloMessage['backend']['capabilities']): BackendCapabilities {
  return {
    persistentSessions: remote.persistentSessions,
    multiplePanes: remote.multiplePanes,
    resize: remote.resize,
    interrupt: remote.interrupt,
    sendInput: remote.sendInput,
    capture: remote.capture,
    streaming: remote.streaming,
    exitCodes: remote.exitCodes,
    cwdTracking: remote.cwdTracking,
    isolation: remote.isolation,
    remote: true,
    flowControl: false,
    longCommands: remote.longCommands === true,
  };
}

/** A closing reason the server gave, in the contract's terms; anything we cannot tell is `crashed`. */
function closeReasonOf(reason: string | undefined): SessionClosedEvent['reason'] {
  return reason === 'exited' || reason === 'destroyed' ? reason : 'crashed';
}

/**
 * An `ITerminalBackend` whose sessions live on another host, behind its `vth serve`: every call is a
 * `vth.v1` operation, output events come from a viewer attachment of each session. Connection loss is
 * not session loss: calls wait, the client reconnects (exponential backoff, full jitter) and resumes each
 * session's output at the byte it had; a command retried after a drop is answered from the server's ledger
 * and never runs twice. Only a server out of reach for `graceMs` (or refusing connections) ends the
 * sessions (`session-closed`, reason `crashed`), so a manager fails them over.
 *
 * @example
 * ```ts
 * const backend = new RemoteBackend({ url: 'wss://build-7:7700', token: process.env.VTH_TOKEN });
 * const started = await backend.initialize({});
 * if (started.ok) {
 *   const s = await backend.createSession();
 *   if (s.ok) console.log(await backend.executeCommand(s.value.id, 'uname -a'));
 * }
 * ```
 */
export class RemoteBackend extends SessionBackend<RemoteSession, RemoteConfig, RemotePane> {
  readonly type = 'remote';
  private caps: BackendCapabilities = REMOTE_CAPABILITIES;
  private link: RemoteLink | undefined;
  /** Sessions declared lost while the server was out of reach: destroyed there once it is back. */
  private readonly abandoned = new Set<string>();
  private readonly longs = new RemoteLongCommands({
    id: () => this.id,
    link: () => this.link,
    session: (sessionId, paneId) => {
      const target = this.target(sessionId, paneId);
      return target.ok ? ok(this.sessions.get(sessionId)!) : target;
    },
    ended: (execution) => this.completed(execution),
  });

  constructor(config: Partial<RemoteConfigInput> = {}) {
    super({ id: config.id ?? createId('remote'), initial: config, healthEvents: true });
  }

  get capabilities(): BackendCapabilities {
    return this.caps;
  }

  /** The connection state (for health details and tests). */
  get connection(): RemoteLink['state'] {
    return this.link?.state ?? 'new';
  }

  protected async start(config: BackendConfig): Promise<BackendResult<void>> {
    const parsed = this.parseConfig(remoteConfigSchema, config);
    if (!parsed.ok) return parsed;
    const cfg = parsed.value;
    let ca = cfg.tls.ca;
    if (cfg.tls.caFile !== undefined) {
      try {
        ca = await readFile(cfg.tls.caFile, 'utf8');
      } catch (e) {
        return fail('INVALID_CONFIG', `invalid config.tls.caFile: ${(e as Error).message}`, {
          backendId: this.id,
        });
      }
    }
    if (cfg.id) this.backendId = cfg.id;
    const link = new RemoteLink(cfg, ca, () => this.id);
    this.link = link;
    link.on('state', (state) => this.linkChanged(state));
    const opened = await link.open();
    if (!opened.ok) {
      await link.close();
      this.link = undefined;
      return opened;
    }
    this.caps = mirrorCapabilities(opened.value.backend.capabilities);
    this.adopt(cfg);
    return ok();
  }

  protected async openSession(id: string, options: SessionOptions): Promise<BackendResult<RemoteSession>> {
    const created = await this.link!.request(
      'session.create',
      { options: { ...options, sessionId: id } },
      createId('r'),
    );
    if (!created.ok) return created;
    const info = sessionInfoSchema.safeParse(created.value);
    if (!info.success)
      return fail('INTERNAL', 'the server answered session.create with a malformed session', {
        backendId: this.id,
      });
    const panes = info.data.panes.length > 0 ? info.data.panes : ['0'];
    const decoder = new StringDecoder('utf8');
    const session: RemoteSession = {
      id,
      createdAt: Date.now(),
      ...(options.labels ? { labels: options.labels } : {}),
      closing: null,
      closed: false,
      cwd: info.data.cwd,
      panes,
      output: { decoder },
      handles: new Map(),
      stopOutput: () => undefined,
    };
    this.sessions.set(id, session);
    session.stopOutput = this.link!.attach(id, panes[0], {
      data: (bytes) => this.emitOutput(session, bytes),
      closed: (reason, exitCode) => this.remoteClosed(session, closeReasonOf(reason), exitCode),
      gap: (bytes) =>
        emitErrorSafely(
          this,
          new BackendError(
            'UNAVAILABLE',
            `${bytes} bytes of output of session "${id}" were lost while disconnected`,
            {
              backendId: this.id,
              details: { sessionId: id, lostBytes: bytes },
            },
          ),
        ),
    });
    return ok(session);
  }

  protected async endSessions(
    sessions: readonly RemoteSession[],
    reason: 'destroyed' | 'shutdown',
  ): Promise<void> {
    const link = this.link;
    await Promise.all(
      sessions.map(async (s) => {
        s.stopOutput();
        if (link && !s.closed) {
          const destroyed = link.request('session.destroy', { sessionId: s.id }, createId('r'));
          // A shutdown does not wait for ever on a server that does not answer.
          await (reason === 'shutdown' ? withDeadline(destroyed, this.config!.shutdownTimeoutMs) : destroyed);
        }
        this.forget(s, { sessionId: s.id, reason: s.closing ?? reason });
      }),
    );
  }

  protected override async stop(wasReady: boolean): Promise<void> {
    if (wasReady) await this.endAllSessions();
    await this.link?.close();
  }

  protected override target(sessionId: string, paneId: string | undefined): BackendResult<RemotePane> {
    const found = this.lookup(sessionId);
    if (!found.ok) return found;
    const session = found.value;
    let pane = session.panes[0]!;
    if (paneId !== undefined) {
      const parsed = parseInput(paneIdSchema, paneId, 'paneId');
      if (!parsed.ok) return parsed;
      if (!session.panes.includes(parsed.value))
        return fail('PANE_NOT_FOUND', `session "${sessionId}" has no pane "${parsed.value}"`, {
          backendId: this.id,
        });
      pane = parsed.value;
    }
    const runner = new RemoteRunner(
      this.link!,
      {
        backendId: () => this.id,
        ran: (e, c) => this.ran(e, c),
        yielded: (e, c) => {
          this.started(e, c);
          this.longs.yielded(session, e, c);
        },
      },
      session.id,
      pane,
      paneId === undefined ? undefined : pane,
      session,
    );
    return ok({ runner, output: session.output, paneId: pane });
  }

  protected override describePanes(session: RemoteSession) {
    return { cwd: session.cwd, panes: session.panes, alive: !session.closed };
  }

  protected override async captureText(
    pane: RemotePane,
    lines: number | undefined,
  ): Promise<BackendResult<string>> {
    const r = await this.link!.request<unknown>(
      'session.capture',
      { ...pane.runner.target(), ...(lines === undefined ? {} : { lines }) },
      createId('r'),
    );
    if (!r.ok) return r;
    return typeof r.value === 'string'
      ? ok(r.value)
      : fail('INTERNAL', 'the server answered session.capture with something else than text', {
          backendId: this.id,
        });
  }

  protected async resizePane(pane: RemotePane, cols: number, rows: number): Promise<BackendResult<void>> {
    const r = await this.link!.request(
      'session.resize',
      { ...pane.runner.target(), cols, rows },
      createId('r'),
    );
    return r.ok ? ok() : r;
  }

  override async sendInput(sessionId: string, data: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    const input = parseInput(this.schemas!.input, data, 'data');
    if (!input.ok) return this.record(input);
    return this.record(await target.value.runner.input(input.value));
  }

  /** `command.read` on the server; see `ITerminalBackend.readOutput`. */
  override async readOutput(
    handle: string,
    options: ReadOutputOptions = {},
  ): Promise<BackendResult<CommandOutput>> {
    return this.record(await this.longs.read(this.ready(), handle, options));
  }

  /** `command.wait` on the server; see `ITerminalBackend.waitFor`. */
  override async waitFor(handle: string, options: WaitForOptions): Promise<BackendResult<CommandWaitResult>> {
    return this.record(await this.longs.waitFor(this.ready(), handle, options));
  }

  /** The server's backend follows yielded commands; this one asks it (see `RemoteLongCommands`). */
  protected override yieldsHere(): boolean {
    return false;
  }

  override async interrupt(sessionId: string, paneId?: string): Promise<BackendResult<void>> {
    const target = this.target(sessionId, paneId);
    if (!target.ok) return this.record(target);
    return this.record(await target.value.runner.interruptNow());
  }

  async getHealth(): Promise<BackendHealth> {
    const checkedAt = Date.now();
    if (this.state !== 'ready' || !this.link) return notReadyHealth(this.state, checkedAt);
    const link = this.link;
    const details = {
      url: this.config!.url,
      connection: link.state,
      sessions: this.sessions.size,
      ...(link.hello ? { server: link.hello.server, remoteBackend: link.hello.backend.id } : {}),
    };
    if (link.state === 'open')
      return {
        status: 'healthy',
        checkedAt,
        ...(link.rttMs === undefined ? {} : { latencyMs: link.rttMs }),
        details,
      };
    return {
      status: link.state === 'reconnecting' ? 'degraded' : 'unhealthy',
      message: link.lastError?.message ?? `connection ${link.state}`,
      checkedAt,
      details,
    };
  }

  // ---- what the link tells ----

  private linkChanged(state: RemoteLink['state']): void {
    if (state === 'open' && this.abandoned.size > 0) {
      // Lost to us, maybe alive there (a partition, not a crash): do not leave them running.
      for (const id of [...this.abandoned]) {
        this.abandoned.delete(id);
        void this.link?.request('session.destroy', { sessionId: id }, createId('r'));
      }
    }
    if (this.state === 'ready') void this.reportHealth();
  }

  private emitOutput(session: RemoteSession, bytes: Uint8Array): void {
    if (this.listenerCount('output') === 0) return;
    const data = session.output.decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (data) this.emit('output', { sessionId: session.id, paneId: session.panes[0]!, data });
  }

  /** The session ended on the server's side (it exited, an admin closed it) or was lost with the server. */
  private remoteClosed(
    session: RemoteSession,
    reason: SessionClosedEvent['reason'],
    exitCode: number | null | undefined,
  ): void {
    if (session.closing !== null || this.sessions.get(session.id) !== session) return;
    session.closing = reason;
    if (reason === 'crashed' && this.link?.state === 'down') this.abandoned.add(session.id);
    this.forget(session, { sessionId: session.id, reason, ...(exitCode === undefined ? {} : { exitCode }) });
  }

  private forget(session: RemoteSession, event: SessionClosedEvent): void {
    if (session.closed) return;
    session.closed = true;
    session.stopOutput();
    this.sessions.delete(session.id);
    this.metrics.sessionClosed();
    this.emit('session-closed', event);
  }

  private ran(execution: CommandExecution, context: ExecutionContext): void {
    this.started(execution, context);
    this.completed(execution);
  }

  private started(execution: CommandExecution, context: ExecutionContext): void {
    this.metrics.commandStarted();
    this.emit('command-started', {
      sessionId: execution.sessionId,
      paneId: execution.paneId,
      commandId: execution.id,
      command: execution.command,
      startedAt: execution.startedAt,
      ...auditFields(context),
    });
  }

  private completed(execution: CommandExecution): void {
    const session = this.sessions.get(execution.sessionId);
    if (session && execution.cwd !== undefined) session.cwd = execution.cwd;
    this.metrics.commandFinished(execution, Buffer.byteLength(execution.output));
    this.emit('command-completed', execution);
  }
}

/** `promise`, or nothing after `ms` (the timer does not outlive the race). */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
