import { StringDecoder } from 'node:string_decoder';
import { type BackendSession, type ShellPaneSpec } from '@vth/backend-kit';
import { fail, ok, paneIdSchema, type BackendResult, type SessionClosedEvent } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import {
  dialectForShell,
  readProcStat,
  shellOwnsTerminal,
  signalForegroundGroup,
  type ShellCommandRunner,
  type ShellCommandRunnerOptions,
} from '@vth/shell-integration';
import { z } from 'zod';
import { type TmuxConfig } from './config';
import { type TmuxControlClient } from './control-client';
import { PaneReaper } from './pane-reaper';
import { type StartedProcesses } from './started-processes';
import { NEW_PANE_FORMAT, PANE_ROW_FORMAT, parseNewPane, parsePaneRows, type NewPane } from './tmux-formats';
import { quoteTmuxArg, quoteTmuxFormatArg } from './tmux-quote';

/** A vth session: a tmux session (`$<n>`) and the panes vth drives in it. */
export interface TmuxSession extends BackendSession {
  /** tmux's id of the session (`$<n>`). */
  tmuxId: string;
  /** Pane ids in creation order; the first is the default pane. */
  panes: string[];
  windows: Set<string>;
  cwd: string;
  shell: string;
}

/** A pane (`%<n>`) and the runner of the shell in it. */
export interface TmuxPane {
  id: string;
  pid: number;
  /** The pane's terminal device (`#{pane_tty}`). */
  tty: string;
  session: TmuxSession;
  windowId: string;
  runner: ShellCommandRunner;
  output: { decoder: StringDecoder };
  /** Settles once the pane's shell is ready or failed to be (a create keeps its turn until then). */
  starting: Promise<unknown>;
}

/** Why a pane's runner ends (see `ShellExit`). */
export interface PaneExit {
  exitCode: number | null;
  signal?: string;
  intentional?: boolean;
  /** The shell vanished without saying it exits: its session closes as `crashed`. */
  killed?: boolean;
  reason: string;
}

/** What the panes need of their backend. */
export interface TmuxPanesContext {
  /** The control client of the moment (`null` while a dead one is being replaced). */
  client(): TmuxControlClient | null;
  /** The control client once a replacement under way took over; `UNAVAILABLE` when there is none. */
  liveClient(): Promise<BackendResult<TmuxControlClient>>;
  config(): TmuxConfig;
  /** The backend takes calls: reconciling with tmux makes sense. */
  ready(): boolean;
  readonly started: StartedProcesses;
  readonly sessions: ReadonlyMap<string, TmuxSession>;
  /** A runner wired to the backend (see `ShellSessionBackend.shellRunner`). */
  shellRunner(
    pane: ShellPaneSpec,
    options: Pick<ShellCommandRunnerOptions, 'transport' | 'dialect' | 'onlcr' | 'exitLingerMs'>,
  ): ShellCommandRunner;
  /** The session is gone (its last pane went, or it was ended): forget it and say so. */
  sessionClosed(session: TmuxSession, reason: SessionClosedEvent['reason']): void;
}

/** Where `splitPane` puts the new pane; bad values are `INVALID_INPUT`. */
export interface SplitPaneOptions {
  /** The pane to split (default: the session's first pane). */
  paneId?: string;
  /** `horizontal` puts the new pane to the right, `vertical` below (default). */
  direction?: 'horizontal' | 'vertical';
  /** Size of the new pane, percent of the split pane (1-99). */
  percent?: number;
}

export const splitPaneOptionsSchema = z.strictObject({
  paneId: paneIdSchema.optional(),
  direction: z.enum(['horizontal', 'vertical']).optional(),
  percent: z.number().int().min(1).max(99).optional(),
});

function paneNotFound<T>(session: TmuxSession, paneId: string): BackendResult<T> {
  return fail('PANE_NOT_FOUND', `session "${session.id}" has no pane "${paneId}"`);
}

/** The shell of a new pane, as tmux takes it on a command line. */
export function paneShellCommand(shell: string, cfg: TmuxConfig): string {
  const args = cfg.shellArgs ?? [...dialectForShell(shell).spawnArgs];
  return [shell, ...args].map(quoteTmuxArg).join(' ');
}

/**
 * The panes of a tmux backend's sessions: a runner for each new pane's shell, and the end of panes and
 * sessions however it comes (closed, destroyed, the shell exited, killed from outside vth, the server
 * gone), kept true with what tmux lists.
 */
export class TmuxPanes {
  private readonly panes = new Map<string, TmuxPane>();
  private reconcileScheduled = false;
  private readonly reaper: PaneReaper;

  constructor(private readonly ctx: TmuxPanesContext) {
    this.reaper = new PaneReaper(
      () => ctx.config().killGraceMs,
      (pid) => ctx.started.forgetShellIfGone(pid),
    );
  }

  get(paneId: string): TmuxPane | undefined {
    return this.panes.get(paneId);
  }

  /** A pane of `session` a call names (its first pane when none is named); `PANE_NOT_FOUND` otherwise. */
  find(session: TmuxSession, paneId: string | undefined): BackendResult<TmuxPane> {
    let id = session.panes[0];
    if (paneId !== undefined) {
      const parsed = parseInput(paneIdSchema, paneId, 'paneId');
      if (!parsed.ok) return parsed;
      id = parsed.value;
      if (!session.panes.includes(id)) return paneNotFound(session, id);
    }
    const pane = id === undefined ? undefined : this.panes.get(id);
    return pane ? ok(pane) : paneNotFound(session, id ?? '(none)');
  }

  /** Drives the shell tmux started in a new pane of `session`: its bootstrap is typed, its runner made. */
  async attach(session: TmuxSession, made: NewPane): Promise<BackendResult<TmuxPane>> {
    const { paneId, pid, windowId, tty } = made;
    const cfg = this.ctx.config();
    this.ctx.started.shell(pid);
    const output = { decoder: new StringDecoder('utf8') };
    const runner = this.ctx.shellRunner(
      { sessionId: session.id, paneId, output },
      {
        transport: {
          write: (data) => this.ctx.client()?.sendKeys(paneId, data),
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
        // A tmux pane is a terminal someone may attach to: keep CR/LF translation so it renders; the runner
        // undoes it in command output.
        onlcr: true,
        // tmux may drop what a pane printed last when its shell exits at once: the exit mark of `exit 3`.
        exitLingerMs: 100,
      },
    );
    let started!: (value: unknown) => void;
    const starting = new Promise((resolve) => (started = resolve));
    const pane: TmuxPane = { id: paneId, pid, tty, session, windowId, runner, output, starting };
    this.panes.set(paneId, pane);
    session.panes.push(paneId);
    session.windows.add(windowId);
    // (A client that died meanwhile drops the keys: the shell then never becomes ready, and its pane goes.)
    this.ctx.client()?.sendKeys(paneId, runner.bootstrapText());
    const ready = runner.ready(cfg.readyTimeoutMs).then((r) => {
      // A shell that never comes up takes its pane with it: waiting commands fail instead of hanging.
      if (!r.ok)
        this.drop(pane, { exitCode: null, reason: `the shell did not become ready: ${r.error.message}` });
      started(undefined);
      return r;
    });
    if (cfg.waitForShell) {
      const r = await ready;
      if (!r.ok) return fail(r.error);
    }
    return ok(pane);
  }

  /** Splits pane `base` of `session` (tmux `split-window`) and drives the new pane's shell: its id. */
  async split(
    session: TmuxSession,
    base: string,
    options: Omit<SplitPaneOptions, 'paneId'>,
  ): Promise<BackendResult<string>> {
    const flags = `${options.direction === 'horizontal' ? ' -h' : ' -v'}${
      options.percent ? ` -l ${options.percent}%` : ''
    }`;
    const live = await this.ctx.liveClient();
    if (!live.ok) return live;
    const split = await live.value.command(
      `split-window -d -P -F '${NEW_PANE_FORMAT}' -t ${base}${flags}` +
        ` -c ${quoteTmuxFormatArg(session.cwd)} ${paneShellCommand(session.shell, this.ctx.config())}`,
    );
    if (!split.ok) return split;
    const made = parseNewPane(split.value[0]);
    if (!made) return fail('INTERNAL', `tmux answered split-window with "${split.value[0]}"`);
    const pane = await this.attach(session, made);
    if (!pane.ok) {
      await this.ctx.client()?.command(`kill-pane -t ${made.paneId}`);
      return pane;
    }
    return ok(made.paneId);
  }

  /** Forgets a pane: its runner ends (running commands settle) and nothing it started outlives it. */
  drop(pane: TmuxPane, exit: PaneExit): void {
    if (this.panes.get(pane.id) !== pane) return;
    this.panes.delete(pane.id);
    pane.runner.close(exit);
    const session = pane.session;
    session.panes = session.panes.filter((p) => p !== pane.id);
    this.reaper.add(pane.pid);
    if (session.panes.length === 0)
      this.ctx.sessionClosed(session, session.closing ?? (exit.killed ? 'crashed' : 'exited'));
  }

  /** The server is gone: every pane with it, and what runs in them. */
  dropAll(reason: string): void {
    for (const pane of [...this.panes.values()])
      this.drop(pane, { exitCode: null, signal: 'SIGHUP', reason });
    this.reaper.reapAll();
  }

  /** Shutdown ends every process itself (see `StartedProcesses.endAll`): no reaping is left pending. */
  stopReaping(): void {
    this.reaper.cancel();
  }

  /**
   * Ends a session: its windows everywhere (they are linked into the control session too), then the rest.
   * `inTmux` false: only our side (the server is about to go).
   */
  async endSession(session: TmuxSession, reason: SessionClosedEvent['reason'], inTmux = true): Promise<void> {
    const panes = session.panes.map((id) => this.panes.get(id)).filter((p): p is TmuxPane => p !== undefined);
    for (const pane of panes) pane.runner.markClosing();
    if (inTmux) await this.killSessionWindows(session);
    for (const pane of panes)
      this.drop(pane, {
        exitCode: null,
        intentional: true,
        reason: `the session was ${reason === 'shutdown' ? 'shut down' : 'destroyed'}`,
      });
    this.ctx.sessionClosed(session, reason);
  }

  async killSessionWindows(session: TmuxSession): Promise<void> {
    const client = this.ctx.client();
    if (!client?.alive) return;
    await client.commands([
      ...[...session.windows].map((w) => `kill-window -t ${w}`),
      `kill-session -t ${quoteTmuxArg(`=${session.id}`)}`,
    ]);
  }

  /** A new control client took over: running commands lost their output, so they end; panes resync. */
  resync(reason: string): void {
    for (const pane of this.panes.values()) {
      if (!pane.runner.busy) continue;
      pane.runner.abandon(`the connection to tmux was lost (${reason})`);
      // A shell back at its prompt can be asked for a mark right away; one still running a job ends the
      // wait itself when the job's end mark arrives.
      const stat = readProcStat(pane.pid);
      if (stat && stat.tpgid === stat.pgrp) pane.runner.resync();
    }
    this.scheduleReconcile();
  }

  /**
   * tmux told us panes or sessions changed (a shell exited, someone killed a session from outside): compare
   * with what tmux lists, once per burst of notifications.
   */
  scheduleReconcile(): void {
    if (this.reconcileScheduled) return;
    this.reconcileScheduled = true;
    setImmediate(() => {
      this.reconcileScheduled = false;
      void this.reconcile();
    });
  }

  private async reconcile(): Promise<void> {
    const client = this.ctx.client();
    if (!this.ctx.ready() || !client?.alive) return;
    const listed = await client.command(`list-panes -a -F '${PANE_ROW_FORMAT}'`);
    if (!listed.ok) return;
    const where = parsePaneRows(listed.value);
    for (const pane of [...this.panes.values()]) {
      const sessions = where.get(pane.id);
      const session = pane.session;
      if (!sessions) {
        // The shell exited; its EXIT mark (if any) already ended the command with its status. Without that
        // mark it did not exit by itself (SIGKILL, a crash): its session crashed, so a manager moves it.
        if (pane.runner.exitAnnounced)
          this.drop(pane, { exitCode: null, reason: 'the shell in the pane exited' });
        else this.drop(pane, { exitCode: null, reason: 'the shell in the pane was killed', killed: true });
      } else if (!sessions.has(session.tmuxId) && this.ctx.sessions.get(session.id) === session) {
        // Still linked into the control session, but its own session was killed from outside vth.
        if (!session.closing) {
          session.closing = 'crashed';
          void this.endSession(session, 'crashed');
        }
      }
    }
  }
}
