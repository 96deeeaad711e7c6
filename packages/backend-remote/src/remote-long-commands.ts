import {
  fail,
  MAX_WAIT_MS,
  ok,
  parseCommandHandle,
  readOutputOptionsSchema,
  waitForOptionsSchema,
  type BackendResult,
  type CommandExecution,
  type CommandOutput,
  type CommandWaitResult,
  type ExecutionContext,
  type ReadOutputOptions,
  type WaitForOptions,
} from '@vth/core';
import { createId, parseInput } from '@vth/core/kit';
import { commandOutputSchema, commandWaitResultSchema, type OperationName } from '@vth/protocol';
import { type z } from 'zod';
import { type RemoteLink } from './remote-link';
import { type RemoteSession } from './remote-session';

/** What {@link RemoteLongCommands} needs of its backend. */
export interface RemoteLongCommandsHost {
  id(): string;
  link(): RemoteLink | undefined;
  /** The session a handle names, with the base's checks (session, pane). */
  session(sessionId: string, paneId: string): BackendResult<RemoteSession>;
  /** A yielded command ended on the server: its final execution (`command-completed`). */
  ended(execution: CommandExecution): void;
}

/**
 * Long commands over `vth.v1`: the server's backend follows a yielded command; here `readOutput` and
 * `waitFor` are `command.read` / `command.wait` (not mutating: a retry after a drop is safe), and the
 * offsets are the server's, so a read resumes exactly. The default `sinceOffset` of `readOutput` (where
 * this backend's last read or wait of the handle stopped) is kept here and always sent, so the follower of
 * a command's end (a `command.wait` for its exit, whose answer becomes `command-completed`) moves nobody's
 * cursor.
 */
export class RemoteLongCommands {
  constructor(private readonly host: RemoteLongCommandsHost) {}

  /** `command.execute` answered `running`: remember where it stands, and follow it to its end. */
  yielded(session: RemoteSession, execution: CommandExecution, context: ExecutionContext): void {
    const handle = execution.handle!;
    session.handles.set(handle, execution.nextOffset ?? 0);
    void this.follow(session, execution, context.maxOutputBytes);
  }

  async read(
    ready: BackendResult<unknown>,
    handle: string,
    options: ReadOutputOptions,
  ): Promise<BackendResult<CommandOutput>> {
    const session = this.find(ready, handle);
    if (!session.ok) return session;
    const opts = parseInput(readOutputOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return opts;
    const since = opts.value.sinceOffset ?? session.value.handles.get(handle);
    const params = { ...opts.value, ...(since === undefined ? {} : { sinceOffset: since }) };
    return this.ask(session.value, 'command.read', handle, params, commandOutputSchema);
  }

  async waitFor(
    ready: BackendResult<unknown>,
    handle: string,
    options: WaitForOptions,
  ): Promise<BackendResult<CommandWaitResult>> {
    const session = this.find(ready, handle);
    if (!session.ok) return session;
    const opts = parseInput(waitForOptionsSchema, options, 'options');
    if (!opts.ok) return opts;
    return this.ask(session.value, 'command.wait', handle, opts.value, commandWaitResultSchema);
  }

  private async ask<T extends CommandOutput>(
    session: RemoteSession,
    op: OperationName,
    handle: string,
    params: object,
    schema: z.ZodType<T>,
  ): Promise<BackendResult<T>> {
    const link = this.host.link();
    if (!link) return fail('NOT_INITIALIZED', 'the remote backend is not connected', { dispatched: false });
    const r = await link.request(op, { handle, ...params }, createId('r'));
    // The session ended on the server before we heard of it: the same answer as once we have.
    if (!r.ok) return this.endedWith(r, handle);
    const parsed = schema.safeParse(r.value);
    if (!parsed.success || parsed.data.handle !== handle)
      return fail('INTERNAL', `the server answered ${op} with a malformed value`, {
        dispatched: false,
        backendId: this.host.id(),
      });
    if (session.handles.has(handle)) session.handles.set(handle, parsed.data.nextOffset);
    return ok(parsed.data);
  }

  /**
   * The session of a handle. Its session or pane gone: `SESSION_NOT_FOUND` / `PANE_NOT_FOUND` with
   * `dispatched: true` (the command ran, and ended with them), as a local backend answers.
   */
  private find(ready: BackendResult<unknown>, handle: string): BackendResult<RemoteSession> {
    if (!ready.ok) return ready;
    const parsed = parseCommandHandle(handle);
    if (!parsed.ok) return parsed;
    const { sessionId, paneId } = parsed.value;
    const session = this.host.session(sessionId, paneId);
    return session.ok ? session : this.endedWith(session, handle);
  }

  /** A session or pane not found is the handle's end: `dispatched: true` (the command ran, and ended). */
  private endedWith<T>(failed: BackendResult<T> & { ok: false }, handle: string): BackendResult<T> {
    const { code, message } = failed.error;
    if (code !== 'SESSION_NOT_FOUND' && code !== 'PANE_NOT_FOUND') return failed;
    return fail(code, `${message}; command ${handle.split(':')[2]} ended with it`, {
      dispatched: true,
      backendId: this.host.id(),
    });
  }

  /**
   * Waits for the command's end on the server (`command.wait` with `exit`, from offset 0: the answer then
   * holds the last 64 KiB of its output), and reports its final execution. Stops when the session or the
   * link is gone (the session's own end is reported then).
   */
  private async follow(
    session: RemoteSession,
    started: CommandExecution,
    maxOutputBytes: number | undefined,
  ): Promise<void> {
    const handle = started.handle!;
    for (;;) {
      const link = this.host.link();
      if (!link || session.closed) return;
      const r = await link.request(
        'command.wait',
        { handle, exit: true, timeoutMs: MAX_WAIT_MS, sinceOffset: 0 },
        createId('r'),
      );
      if (!r.ok) return;
      const parsed = commandWaitResultSchema.safeParse(r.value);
      if (!parsed.success) return;
      const w = parsed.data;
      if (w.status === 'running') continue;
      const output = lastBytes(w.output, maxOutputBytes);
      this.host.ended({
        id: started.id,
        sessionId: started.sessionId,
        paneId: started.paneId,
        command: started.command,
        status: w.status,
        exitCode: w.exitCode,
        output,
        truncatedBytes: w.nextOffset - Buffer.byteLength(output),
        ...(w.cwd === undefined ? {} : { cwd: w.cwd }),
        startedAt: w.startedAt,
        durationMs: w.durationMs,
        backendId: this.host.id(),
      });
      return;
    }
  }
}

/** The last `max` bytes of `text` at most, never starting inside a character. */
function lastBytes(text: string, max: number | undefined): string {
  if (max === undefined) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  let start = bytes.length - max;
  // A UTF-8 continuation byte (10xxxxxx) is the middle of a character: start after it.
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}
