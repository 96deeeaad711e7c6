import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { type BackendError, fail, ok, type BackendResult } from '@vth/core';
import { ControlParser, type ControlEvent } from './control-protocol';
import { quoteTmuxArg } from './tmux-quote';

/** How a `TmuxControlClient` reaches its tmux server. */
export interface ControlClientOptions {
  /** The tmux executable (the config's `tmuxPath`). */
  tmuxPath: string;
  /** The server's socket (`-S`), so the client never talks to another server by accident. */
  socketPath: string;
  /** The session the client attaches to (created when absent); every pane we watch is linked into it. */
  controlSession: string;
  /** Config file for a server this client starts (`-f`); `null` reads none (`-f /dev/null`). */
  configFile: string | null;
  /** Environment of the client, and so of a server it starts and of every pane of that server. */
  env: Record<string, string>;
  /** How long a tmux command may take to answer. */
  commandTimeoutMs: number;
  /** Put on the `BackendError`s the client answers. */
  backendId: string;
}

interface Pending {
  resolve: ((result: BackendResult<string[]>) => void) | null;
  timedOut?: boolean;
  /** Called with the reply of a command that timed out, once tmux gives it. */
  late?: ((result: BackendResult<string[]>) => void) | undefined;
  timer: NodeJS.Timeout | null;
  command: string;
}

export interface ControlClientEvents {
  output: [paneId: string, data: Buffer];
  notification: [name: string, args: string];
  /** The client process ended: `reason` from `%exit`, stderr or the exit status. */
  closed: [reason: string];
  /** A command nobody waited for (typed keys) failed: tmux's message. */
  failed: [message: string];
}

/** Largest `send-keys` payload per command: tmux reads a control line at a time; keep each small. */
const KEYS_CHUNK = 2048;

/**
 * One `tmux -C` client over pipes: sends commands and matches their `%begin/%end` replies in order, and
 * reports `%output` and notifications. The only tmux process vth spawns (it starts the server when none
 * runs on the socket); everything else is a command on this client.
 *
 * @example
 * ```ts
 * const client = new TmuxControlClient({ tmuxPath: 'tmux', socketPath, controlSession: '__vth', ... });
 * await client.start();
 * const reply = await client.command('list-sessions -F "#{session_name}"');
 * ```
 */
export class TmuxControlClient extends EventEmitter<ControlClientEvents> {
  private readonly opts: ControlClientOptions;
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly parser = new ControlParser();
  private readonly pending: Pending[] = [];
  private attached = false;
  private closedReason: string | null = null;
  private stderr = '';

  constructor(options: ControlClientOptions) {
    super();
    this.opts = options;
  }

  /** Whether the client process runs and has not been closed. */
  get alive(): boolean {
    return this.child !== null && this.closedReason === null;
  }

  /** The pid of the `tmux -C` client process, while it has one. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts the client: attaches to the control session, creating it (and the server) if needed. Resolves
   * once tmux has answered the attach.
   */
  start(timeoutMs: number): Promise<BackendResult<void>> {
    const { tmuxPath, socketPath, controlSession, configFile, env } = this.opts;
    // `-u`: replies are UTF-8 whatever the locale vth runs in. A client in the C locale (a service, CI)
    // gets control characters and non-ASCII in format values and pane text replaced by `_`.
    const args = ['-u', '-S', socketPath, '-f', configFile ?? '/dev/null', '-C'];
    // A stand-in that idles without reading or printing keeps the control session's own pane quiet.
    args.push('new-session', '-A', '-s', controlSession, '-x', '200', '-y', '50', 'tail', '-f', '/dev/null');
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: BackendResult<void>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(() => {
        settle(this.error('UNAVAILABLE', `tmux did not answer within ${timeoutMs} ms`));
        this.kill();
      }, timeoutMs);
      let child: ChildProcessWithoutNullStreams;
      try {
        child = spawn(tmuxPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (e) {
        settle(this.error('UNAVAILABLE', `cannot start tmux: ${(e as Error).message}`));
        return;
      }
      this.child = child;
      child.stdout.on('data', (chunk: Buffer) =>
        this.parser.push(chunk, (event) => this.onEvent(event, settle)),
      );
      child.stderr.on('data', (chunk: Buffer) => {
        this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2000);
      });
      child.stdin.on('error', () => {
        // EPIPE when tmux is gone; 'close' reports it.
      });
      child.on('error', (e) => {
        settle(this.error('UNAVAILABLE', `cannot start tmux (${tmuxPath}): ${e.message}`));
        this.onClosed(`tmux could not run: ${e.message}`);
      });
      child.on('close', (code, signal) => {
        const why =
          this.stderr.trim() ||
          (signal ? `the tmux client was killed by ${signal}` : `the tmux client exited with code ${code}`);
        settle(this.error('UNAVAILABLE', `tmux ended before it was ready: ${why}`));
        this.onClosed(why);
      });
    });
  }

  /**
   * Runs one tmux command (a line of tmux's command language; quote caller data with `quoteTmuxArg`) and
   * resolves with its output lines, or `INTERNAL` carrying tmux's error text. A command tmux does not answer
   * within `commandTimeoutMs` resolves with `TIMEOUT` (`dispatched: true`: tmux may still carry it out);
   * `onLateReply` then gets the reply if it comes, to undo what the command made.
   */
  command(
    line: string,
    onLateReply?: (result: BackendResult<string[]>) => void,
  ): Promise<BackendResult<string[]>> {
    return new Promise((resolve) => this.send(line, resolve, onLateReply));
  }

  /** Several commands in one write; each answers on its own. */
  commands(lines: string[]): Promise<Array<BackendResult<string[]>>> {
    return Promise.all(lines.map((line) => this.command(line)));
  }

  /**
   * Types `data` into a pane: literal text, control bytes included, in chunks tmux accepts. Fire and forget:
   * tmux keeps the order; a failure (the pane is gone) is noticed through the pane's own end.
   */
  sendKeys(paneId: string, data: string): void {
    let i = 0;
    let nul = data.indexOf('\0');
    while (i < data.length) {
      // tmux's parser makes each argument a C string, so a NUL inside one would cut the piece there and
      // silently drop the rest: NULs go as the key code 00 (`-H`), the text around them literally.
      if (data.charCodeAt(i) === 0) {
        let end = i;
        while (end < data.length && data.charCodeAt(end) === 0 && end - i < KEYS_CHUNK / 3) end++;
        this.send(`send-keys -t ${paneId} -H${' 00'.repeat(end - i)}`, null);
        i = end;
        continue;
      }
      let end = Math.min(i + KEYS_CHUNK, data.length);
      if (nul !== -1 && nul < i) nul = data.indexOf('\0', i);
      if (nul !== -1 && nul < end) end = nul;
      // Do not split a surrogate pair across two commands.
      const last = data.charCodeAt(end - 1);
      if (end < data.length && end - 1 > i && last >= 0xd800 && last <= 0xdbff) end--;
      // `--`: a piece that starts with "-" is text, not flags (without it tmux drops the piece).
      this.send(`send-keys -t ${paneId} -l -- ${quoteTmuxArg(data.slice(i, end))}`, null);
      i = end;
    }
  }

  /**
   * Detaches (the server and its sessions live on) or, with `force`, kills the client process. Resolves
   * once the client process has exited. (Its exit, not its pipes' end: tmux hands the client's stdin and
   * stdout to the server, so a server that hangs keeps them open after the client is gone.)
   */
  close(force = false): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (force) this.kill();
    else child.stdin.end();
    return exited;
  }

  private send(line: string, resolve: Pending['resolve'], late?: Pending['late']): void {
    if (!this.alive) {
      resolve?.(
        this.error(
          'UNAVAILABLE',
          `the tmux control client is not running: ${this.closedReason ?? 'not started'}`,
        ),
      );
      return;
    }
    const entry: Pending = { resolve, timer: null, command: line, late };
    if (resolve) {
      entry.timer = setTimeout(() => {
        entry.resolve = null;
        entry.timedOut = true;
        // The line was written: tmux may still carry it out (`onLateReply` hears of it).
        resolve(
          fail(
            'TIMEOUT',
            `tmux did not answer "${line.slice(0, 60)}" within ${this.opts.commandTimeoutMs} ms`,
            { backendId: this.opts.backendId, dispatched: true },
          ),
        );
      }, this.opts.commandTimeoutMs);
    }
    this.pending.push(entry);
    this.child!.stdin.write(line + '\n');
  }

  private onEvent(event: ControlEvent, settleStart: (r: BackendResult<void>) => void): void {
    switch (event.type) {
      case 'output':
        this.emit('output', event.paneId, event.data);
        return;
      case 'reply': {
        // The attach itself answers first, with flags 0; our commands' replies have flags 1.
        if (!this.attached && event.flags === 0) {
          this.attached = true;
          settleStart(ok());
          return;
        }
        const entry = this.pending.shift();
        if (!entry) return;
        if (entry.timer) clearTimeout(entry.timer);
        const result: BackendResult<string[]> = event.ok
          ? ok(event.lines)
          : this.error(
              'INTERNAL',
              `tmux refused "${entry.command.slice(0, 80)}": ${event.lines.join(' ').trim()}`,
            );
        if (entry.resolve) entry.resolve(result);
        else if (entry.timedOut) entry.late?.(result);
        else if (!result.ok) this.emit('failed', result.error.message);
        return;
      }
      case 'notification':
        this.emit('notification', event.name, event.args);
        return;
      case 'exit':
        this.closedReason ??= event.reason || 'the tmux client exited';
        return;
    }
  }

  private onClosed(reason: string): void {
    if (this.child === null) return;
    this.child = null;
    this.closedReason ??= reason;
    for (const entry of this.pending.splice(0)) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.resolve?.(this.error('UNAVAILABLE', `tmux went away: ${this.closedReason}`));
    }
    this.emit('closed', this.closedReason);
  }

  private kill(): void {
    try {
      this.child?.kill('SIGKILL');
    } catch {
      // gone
    }
  }

  private error<T>(code: BackendError['code'], message: string): BackendResult<T> {
    return fail(code, message, { backendId: this.opts.backendId, dispatched: false });
  }
}
