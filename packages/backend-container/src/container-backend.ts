import { hostname } from 'node:os';
import { type Duplex } from 'node:stream';
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
  type BackendCapabilities,
  type BackendConfig,
  type BackendHealth,
  type BackendResult,
} from '@vth/core';
import { BoundedOutputBuffer, createId } from '@vth/core/kit';
import {
  dialectForShell,
  signalForegroundGroup,
  shellOwnsTerminal,
  execLimitProblem,
  type ShellCommandRunner,
} from '@vth/shell-integration';
import { containerConfigSchema, type ContainerConfig, type ContainerConfigInput } from './config';
import { containerExit, shellHostPid, type ContainerState } from './container-inspection';
import { containerCreateBody, sessionEnvironment } from './container-spec';
import { type EngineClient } from './engine-client';
import { connectEngine } from './engine-connection';
import { engineForeground } from './engine-foreground';
import { type EngineLocation } from './engine-discovery';
import { type EngineEndpoint } from './engine-endpoint';
import { checkEngineLimits } from './engine-limits';
import { inspectImage } from './image-facts';
import { ownerTag, removeLeftovers } from './leftovers';

/**
 * What the container backend can do: the interactive-shell set (one pane per session, exit codes, cwd
 * tracking, long commands) with `isolation: 'container'`: each session in a sandboxed container of its own.
 */
export const CONTAINER_CAPABILITIES: BackendCapabilities = {
  ...INTERACTIVE_SHELL_CAPABILITIES,
  isolation: 'container',
};

/** The one pane of a container session. */
export const CONTAINER_PANE = '0';

interface ContainerSession extends BackendSession {
  containerId: string;
  stream: Duplex;
  runner: ShellCommandRunner;
  output: { decoder: StringDecoder; scrollback: BoundedOutputBuffer };
  gone: Promise<void>;
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
export class ContainerBackend extends ShellSessionBackend<ContainerSession, ContainerConfig> {
  readonly type = 'container';
  readonly capabilities = CONTAINER_CAPABILITIES;
  private engine: EngineClient | null = null;
  private endpoint: EngineEndpoint | null = null;
  private location: EngineLocation | null = null;
  /** Set when the engine stopped answering; cleared by the next call it answers. */
  private engineDown: string | null = null;
  /** Containers of sessions lost while the engine did not answer: removed once it answers again. */
  private readonly orphans = new Set<string>();

  constructor(config?: ContainerConfigInput) {
    super({
      id: config?.id ?? createId('ctr'),
      initial: config,
      singlePane: CONTAINER_PANE,
      healthEvents: true,
    });
  }

  protected async start(config: BackendConfig): Promise<BackendResult<void>> {
    const parsed = this.parseConfig(containerConfigSchema, config);
    if (!parsed.ok) return parsed;
    const cfg = parsed.value;
    this.adopt(cfg);
    const connected = await connectEngine(
      { host: cfg.host, tlsVerify: cfg.tlsVerify, certPath: cfg.certPath },
      { timeoutMs: cfg.requestTimeoutMs, backendId: this.id },
    );
    if (!connected.ok) return connected;
    const { engine, endpoint } = connected.value;
    const checked = await checkEngineLimits(engine, cfg, this.id);
    const image = checked.ok ? await inspectImage(engine, cfg.image) : checked;
    if (!image.ok) {
      engine.close();
      return fail(image.error.withBackendId(this.id));
    }
    this.engine = engine;
    this.endpoint = endpoint;
    this.location = connected.value.location;
    // A crashed earlier process of this instance (or any dead vth process on this host) left containers
    // behind: they go now.
    await removeLeftovers(engine, { instance: this.id, host: hostname() });
    return ok();
  }

  protected override refuseOptions(o: SessionOptions): BackendResult<never> | null {
    if (o.shell !== undefined && !o.shell.startsWith('/')) {
      return fail('INVALID_INPUT', 'invalid options.shell: must be an absolute path inside the container', {
        backendId: this.id,
      });
    }
    if (o.cwd !== undefined && !o.cwd.startsWith('/')) {
      return fail('INVALID_INPUT', 'invalid options.cwd: must be an absolute path inside the container', {
        backendId: this.id,
      });
    }
    return null;
  }

  protected async openSession(
    id: string,
    o: SessionOptions,
    cfg: ContainerConfig,
  ): Promise<BackendResult<ContainerSession>> {
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
    // Local engines only: the container's processes are visible in this host's /proc. Found once, and so is
    // "not visible here" (`null`): each escalation step then goes to the engine without asking again.
    const findHostPid = async () => {
      if (hostPid === undefined)
        hostPid = this.endpoint?.kind === 'unix' ? await shellHostPid(engine, containerId) : null;
      return hostPid;
    };
    const viaEngine = engineForeground(engine, containerId);
    const output = {
      decoder: new StringDecoder('utf8'),
      scrollback: new BoundedOutputBuffer(1024 * 1024, { headBytes: 0 }),
    };
    const runner = this.shellRunner(
      { sessionId: id, paneId: CONTAINER_PANE, output },
      {
        transport: {
          write: (data) => {
            stream.write(data);
          },
          // Through this host's /proc when it sees the container's processes, else through the engine.
          signalForeground: async (signal) => {
            const pid = await findHostPid();
            return pid ? signalForegroundGroup(pid, signal) : viaEngine.signalForeground(signal);
          },
          shellInForeground: async () => {
            const pid = await findHostPid();
            return pid ? shellOwnsTerminal(pid) : viaEngine.shellInForeground();
          },
          terminate: () => {
            // The shell no longer answers vth (replaced by `exec`): end the session, not a dead container.
            if (session.closing) return;
            session.closing = 'crashed';
            void this.endSession(session);
          },
        },
        dialect,
      },
    );
    let gone!: () => void;
    const session: ContainerSession = {
      id,
      containerId,
      stream,
      runner,
      createdAt: Date.now(),
      ...(o.labels ? { labels: o.labels } : {}),
      output,
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
    output.scrollback.clear();
    return ok(session);
  }

  protected async resizePane(
    session: ContainerSession,
    cols: number,
    rows: number,
  ): Promise<BackendResult<void>> {
    const resized = this.engineCall(
      await this.engine!.json('POST', `/containers/${session.containerId}/resize?h=${rows}&w=${cols}`),
    );
    return resized.ok ? ok() : resized;
  }

  async getHealth(): Promise<BackendHealth> {
    const checkedAt = Date.now();
    if (this.state !== 'ready' || !this.engine) return notReadyHealth(this.state, checkedAt);
    // A real round trip to the engine, which also follows an engine upgraded meanwhile to its API version.
    const t0 = performance.now();
    const ping = this.engineCall(await this.engine.negotiate());
    const latencyMs = performance.now() - t0;
    if (!ping.ok) return { status: 'unhealthy', message: ping.error.message, checkedAt, latencyMs };
    const cfg = this.config!;
    return capacityHealth(
      this.sessions.size,
      cfg.maxSessions,
      { checkedAt, latencyMs },
      {
        sessions: this.sessions.size,
        image: cfg.image,
        unsafe: [...new Set(cfg.unsafe)].sort(),
        engine: { host: this.location!.host, source: this.location!.source, apiVersion: ping.value },
      },
    );
  }

  protected override ready(): BackendResult<ContainerConfig> {
    const ready = super.ready();
    if (ready.ok && this.engineDown) {
      return fail('UNAVAILABLE', `the Docker Engine is not answering: ${this.engineDown}`, {
        backendId: this.id,
      });
    }
    return ready;
  }

  protected override async stop(wasReady: boolean): Promise<void> {
    if (wasReady) {
      await this.endAllSessions();
      // Containers the engine could not remove while it was away: one last try.
      await Promise.all([...this.orphans].map((id) => this.removeContainer(id)));
    }
    this.engine?.close();
  }

  // ---- sessions ----

  protected async endSessions(sessions: readonly ContainerSession[]): Promise<void> {
    await Promise.all(sessions.map((s) => this.endSession(s)));
  }

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
    let exit = { reason: '', exitCode: null as number | null, killed: false };
    if (closing && closing !== 'crashed') {
      exit.reason = `the session was ${closing === 'shutdown' ? 'shut down' : 'destroyed'}`;
    } else {
      const inspected = await this.engine!.json<{ State?: ContainerState }>(
        'GET',
        `/containers/${session.containerId}/json`,
      );
      exit = containerExit(inspected);
      if (!inspected.ok) {
        if (inspected.error.code === 'UNAVAILABLE') this.markEngineDown(inspected.error.message);
        this.orphans.add(session.containerId);
      }
      await this.removeContainer(session.containerId);
    }
    const signal = exit.killed ? 'SIGKILL' : null;
    session.runner.close({
      exitCode: exit.exitCode,
      signal,
      reason: exit.reason,
      ...(closing && closing !== 'crashed' ? { intentional: true } : {}),
    });
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    this.metrics.sessionClosed();
    this.emit('session-closed', {
      sessionId: session.id,
      reason: closing ?? (exit.killed ? 'crashed' : 'exited'),
      exitCode: exit.exitCode,
      signal,
    });
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
}
