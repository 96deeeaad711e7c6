import {
  formatCommandHandle,
  ok,
  type BackendResult,
  type CommandExecution,
  type ExecutionContext,
} from '@vth/core';
import { createId } from '@vth/core/kit';
import { type PaneCommands } from './pane-commands';
import { RunningCommand } from './running-command';
import { type SessionRunner } from './session-parts';

/** Output a handle keeps (the most recent bytes; older ones are counted as `skippedBytes` when read). */
export const HANDLE_OUTPUT_BYTES = 1024 * 1024;

/** Where a yielding command runs. */
export interface YieldPlace {
  sessionId: string;
  paneId: string;
  backendId: string;
  /** Why the session is being ended by its owner (`destroyed`, `shutdown`), or `null`. */
  closing?: () => string | null;
}

/**
 * Runs `command` on the pane's runner; if it has not ended after `context.yieldAfterMs`, answers
 * `status: 'running'` with its output so far and a handle, and leaves it running, followed by a
 * {@link RunningCommand} in `commands`. From then on the caller's `signal` and `onOutput` no longer reach it
 * (the call is over); its `timeoutMs` and `idleTimeoutMs`, when given, still end it.
 */
export async function executeYielding(
  runner: SessionRunner,
  command: string,
  context: ExecutionContext & { yieldAfterMs: number },
  place: YieldPlace,
  commands: PaneCommands,
): Promise<BackendResult<CommandExecution>> {
  const { sessionId, paneId, backendId } = place;
  const fallbackId = createId('cmd');
  const running = new RunningCommand(
    {
      sessionId,
      paneId,
      command,
      commandId: fallbackId,
      handle: formatCommandHandle({ sessionId, paneId, commandId: fallbackId }),
      startedAt: Date.now(),
    },
    HANDLE_OUTPUT_BYTES,
  );
  commands.add(running);
  let yielded = false;
  // The caller's signal ends the command only while the caller waits for it.
  const own = new AbortController();
  const follow = () => own.abort();
  if (context.signal?.aborted) own.abort();
  else context.signal?.addEventListener('abort', follow, { once: true });
  const callerOutput = context.onOutput;
  const runContext: ExecutionContext = {
    ...context,
    signal: own.signal,
    onOutput: (chunk) => {
      running.append(chunk);
      if (!yielded) callerOutput?.(chunk);
    },
  };
  const settled = runner
    .execute(command, runContext, (commandId) => {
      const from = running.place.commandId;
      running.place.commandId = commandId;
      running.place.handle = formatCommandHandle({ sessionId, paneId, commandId });
      commands.rename(running, from);
    })
    .then((result) => {
      context.signal?.removeEventListener('abort', follow);
      running.end(endedByOwner(result, running, place));
      commands.ended();
      return result;
    });
  let timer: NodeJS.Timeout | undefined;
  const yieldNow = new Promise<null>(
    (resolve) => (timer = setTimeout(() => resolve(null), context.yieldAfterMs)),
  );
  const first = await Promise.race([settled, yieldNow]);
  clearTimeout(timer);
  if (first !== null || running.ended) {
    commands.remove(running);
    return first ?? settled;
  }
  yielded = true;
  context.signal?.removeEventListener('abort', follow);
  const slice = running.ring.slice(0, HANDLE_OUTPUT_BYTES);
  const nextOffset = slice.offset + slice.bytes.length;
  running.cursor = nextOffset;
  const p = running.place;
  return ok({
    id: p.commandId,
    sessionId,
    paneId,
    command,
    status: 'running',
    exitCode: null,
    output: slice.bytes.toString('utf8'),
    truncatedBytes: slice.skippedBytes,
    startedAt: p.startedAt,
    durationMs: Date.now() - p.startedAt,
    backendId,
    handle: p.handle,
    nextOffset,
  });
}

/**
 * A command its session's owner ended (`destroySession`, `shutdown`) was interrupted, whatever the pane
 * noticed first: tmux may report the shell gone before the runner hears of the destroy, and a handle must
 * not answer `BACKEND_CRASHED` for what the caller asked for.
 */
function endedByOwner(
  result: BackendResult<CommandExecution>,
  running: RunningCommand,
  place: YieldPlace,
): BackendResult<CommandExecution> {
  const why = place.closing?.();
  if (result.ok || (why !== 'destroyed' && why !== 'shutdown')) return result;
  const so = result.error.details?.execution as CommandExecution | undefined;
  const p = running.place;
  return ok({
    id: p.commandId,
    sessionId: place.sessionId,
    paneId: place.paneId,
    command: p.command,
    output: '',
    truncatedBytes: 0,
    startedAt: p.startedAt,
    durationMs: Date.now() - p.startedAt,
    backendId: place.backendId,
    ...so,
    exitCode: so?.exitCode ?? null,
    status: 'interrupted',
  });
}
