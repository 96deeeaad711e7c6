import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail, ok, type BackendResult } from '@vth/core';
import { shellEnvironment } from '@vth/shell-integration';
import { type TmuxConfig } from './config';
import { TmuxControlClient } from './control-client';
import { checkServerOwner, claimSocketPath, removeStaleSocket, serverAnswers } from './server-socket';
import { type ProcessRef } from './process-exit';
import { StartedProcesses } from './started-processes';
import { parseServer, SERVER_FORMAT } from './tmux-formats';
import { quoteTmuxArg } from './tmux-quote';

const NOTIFICATIONS_THAT_CHANGE_PANES = new Set([
  'sessions-changed',
  'window-close',
  'unlinked-window-close',
  'layout-change',
  'window-pane-changed',
]);

/** What the connection tells the backend. */
export interface ServerConnectionEvents {
  /** The backend still wants the connection (a client lost meanwhile is replaced only then). */
  wanted(): boolean;
  /** `%output` of a pane. */
  output(paneId: string, data: Buffer): void;
  /** tmux says panes or sessions changed (a shell exited, a session was killed from outside). */
  panesChanged(): void;
  /** The control client died (`reason`) and a new one took over: what panes printed meanwhile is lost. */
  reconnected(reason: string): void;
  /** The server is gone, and every session with it. */
  lost(reason: string): void;
  /** tmux refused keys (they never reached the pane). */
  refused(message: string): void;
}

/**
 * The backend's link to its tmux server: the socket (a private one by default), the server (started when
 * none answers there, and then vth's), the control client and its replacement when it dies while the
 * server lives on, and everything started there that shutdown must see gone.
 */
export class TmuxServerConnection {
  client: TmuxControlClient | null = null;
  socketPath = '';
  ownsServer = false;
  controlSession = '';
  /** The server (when vth started it), pane shells and sessions: what shutdown must see gone. */
  readonly started = new StartedProcesses();
  /** The pid of the server the client reached (its descriptors are the ones a new pane needs). */
  serverPid: number | undefined;
  private socketDir: string | null = null;
  private reconnecting: Promise<void> | null = null;
  private config: TmuxConfig | null = null;

  constructor(
    private readonly backendId: () => string,
    private readonly events: ServerConnectionEvents,
  ) {}

  /** Claims the socket (refusing one another user's server holds) and connects, starting a server if needed. */
  async open(cfg: TmuxConfig): Promise<BackendResult<void>> {
    this.config = cfg;
    const socket = this.prepareSocket(cfg);
    if (!socket.ok) return socket;
    this.socketPath = socket.value;
    const claimed = await claimSocketPath(this.socketPath, this.backendId());
    if (!claimed.ok) return claimed;
    this.ownsServer = claimed.value === 'free';
    this.controlSession =
      cfg.controlSession ?? `vth-ctl-${this.backendId()}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
    return this.connect();
  }

  /**
   * Ends the connection and, on a server of vth's own, the server (asked with `kill-server`, by pid when it
   * does not answer within `answerMs`); on a shared server only the control session. Resolves to the
   * processes that outlived SIGKILL (normally none).
   */
  async close(o: { wasReady: boolean; graceMs: number; answerMs: number }): Promise<ProcessRef[]> {
    const client = this.client;
    if (o.wasReady) {
      if (this.ownsServer) await within(client?.command('kill-server'), o.answerMs);
      else await client?.command(`kill-session -t ${quoteTmuxArg(`=${this.controlSession}`)}`);
    }
    await client?.close(true);
    this.client = null;
    const { socketPath, ownsServer } = this;
    const left = await this.started.endAll({ socketPath, ownsServer, graceMs: o.graceMs });
    // Never the socket of a server that still runs (removeStaleSocket also checks that nobody answers).
    if (ownsServer && !this.started.serverRunning) await removeStaleSocket(socketPath);
    if (this.socketDir) {
      try {
        rmdirSync(this.socketDir);
      } catch {
        // Other instances still use it.
      }
    }
    return left;
  }

  /** Resolves once a control client being replaced has been (or failed to be). */
  async settled(): Promise<void> {
    await this.reconnecting;
  }

  private prepareSocket(cfg: TmuxConfig): BackendResult<string> {
    if (cfg.socketPath) return ok(cfg.socketPath);
    const backendId = this.backendId();
    // A private directory: sockets in a shared temp dir must not be reachable (or plantable) by others.
    const dir = join(tmpdir(), `vth-tmux-${process.getuid?.() ?? 'user'}`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const st = statSync(dir);
      if ((process.getuid && st.uid !== process.getuid()) || (st.mode & 0o077) !== 0) {
        return fail('UNAVAILABLE', `${dir} is not a private directory of this user; give a socketPath`, {
          backendId,
        });
      }
    } catch (e) {
      return fail('UNAVAILABLE', `cannot prepare a socket directory ${dir}: ${(e as Error).message}`, {
        backendId,
      });
    }
    this.socketDir = dir;
    return ok(join(dir, backendId.replace(/[^A-Za-z0-9_-]/g, '_')));
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
      backendId: this.backendId(),
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
    client.on('output', (paneId, data) => this.events.output(paneId, data));
    client.on('notification', (name) => {
      if (NOTIFICATIONS_THAT_CHANGE_PANES.has(name)) this.events.panesChanged();
    });
    client.on('closed', (reason) => {
      this.reconnecting = this.onClientClosed(client, reason);
    });
    client.on('failed', (message) => this.events.refused(message));
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
    if (!ids) {
      return fail('INTERNAL', `tmux answered "${probe.value[0]}" for its pid`, {
        backendId: this.backendId(),
      });
    }
    const owner = checkServerOwner(ids.serverPid, this.socketPath, this.backendId());
    if (!owner.ok) return owner;
    this.started.server(ids.serverPid, this.socketPath, this.ownsServer);
    this.serverPid = ids.serverPid;
    this.started.shell(ids.controlPanePid);
    return ok();
  }

  /**
   * The control client ended. If the server lives on (someone killed the client), a new client takes over:
   * sessions survive, but what panes printed meanwhile is gone. If the server is gone, every session is
   * lost at once.
   */
  private async onClientClosed(client: TmuxControlClient, reason: string): Promise<void> {
    if (this.client !== client || !this.events.wanted()) return;
    this.client = null;
    // (Shut down meanwhile: no new client, which could start a new server.)
    if ((await serverStaysUp(this.socketPath)) && this.events.wanted()) {
      const restarted = await this.connect();
      if (restarted.ok && this.events.wanted()) {
        this.events.reconnected(reason);
        return;
      }
    }
    this.events.lost(`the tmux server exited (${reason})`);
  }
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

/** Waits for `promise`, but at most `ms`. */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
