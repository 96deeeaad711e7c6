/** Handles a session remembers: enough to tell, after a move, which of its commands died with the old shell. */
const REMEMBERED = 64;

/**
 * The long commands of one managed session (see `ExecutionContext.yieldAfterMs`): for each handle it gave
 * out, how many times the session had moved then (a handle survives nothing but its session: after a move
 * its command is gone), and the one still running, which keeps the session busy so that a drain or hot
 * swap waits for it before moving the session (until its deadline, then it ends it honestly).
 */
export class SessionHandles {
  private readonly yielded = new Map<string, number>();
  /** Commands that ended before their yield reached the manager (the answer and the end crossed). */
  private readonly endedEarly = new Set<string>();
  /** The command id of the yielded command that still runs, if any. */
  holder: string | undefined;

  /** A command yielded while the session had moved `moves` times. */
  add(commandId: string, moves: number): void {
    if (this.yielded.size >= REMEMBERED) this.yielded.delete(this.yielded.keys().next().value!);
    this.yielded.set(commandId, moves);
  }

  /** A command of the session ended that holds nothing (yet): remembered, briefly, in case it yielded. */
  ended(commandId: string): void {
    if (this.endedEarly.size >= 16) this.endedEarly.delete(this.endedEarly.values().next().value!);
    this.endedEarly.add(commandId);
  }

  /** Did the command end already (so that holding the session for it would hold it forever)? */
  endedBefore(commandId: string): boolean {
    return this.endedEarly.delete(commandId);
  }

  /** The session's move count when the command yielded; `undefined` for a handle it never gave out. */
  movesAt(commandId: string): number | undefined {
    return this.yielded.get(commandId);
  }
}
