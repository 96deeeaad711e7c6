/** How the runner reaches the shell: a pty, a tmux pane, a container's attached stream... */
export interface ShellTransport {
  /** Writes to the shell's terminal, as typed keys. */
  write(data: string): void;
  /**
   * Signals the terminal's foreground process group when it is not the shell itself: the escalation
   * when Ctrl-C does not end a command. Returns false when there was nothing to signal. Optional: without
   * it, escalation stops at Ctrl-C.
   */
  signalForeground?(signal: ForegroundSignal): boolean | Promise<boolean>;
  /**
   * Is the shell process itself the terminal's foreground (no job of its own holds the terminal), so that
   * only the shell reads what is typed next? The runner asks before it types a fresh secret into a shell
   * that replaced vth's (`exec bash`). Optional: without it such a shell is never re-armed.
   */
  shellInForeground?(): boolean | Promise<boolean>;
  /**
   * Ends the shell: the runner found that it no longer answers vth's marks (it was replaced by `exec`, or
   * its hooks were removed) even after an interrupt and a probe. The backend kills the session's processes
   * and reports the session closed (its transport then calls `close`). Optional: without it the runner
   * answers `BUSY` until the shell shows a mark again.
   */
  terminate?(reason: string): void;
}

/** The escalation after Ctrl-C, in order. */
export type ForegroundSignal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';

/** Why a shell went away, as far as its transport knows. */
export interface ShellExit {
  /** The shell's exit status; `null` when it was killed or the transport cannot tell. */
  exitCode: number | null;
  /** The signal that killed it, as the transport reports it (node-pty gives a number, tmux a name). */
  signal?: number | string | null;
  /** Words for the error message: "the tmux server was killed", ... */
  reason?: string;
  /**
   * The session was ended on purpose (destroySession, shutdown): a running command ends `interrupted`
   * instead of `lost`.
   */
  intentional?: boolean;
}
