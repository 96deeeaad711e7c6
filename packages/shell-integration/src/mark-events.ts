import { fail, ok } from '@vth/core';
import { flushInputBeforeReady, flushPendingInput } from './input-hold';
import { type ShellEvent } from './mark-parser';
import { type RunnerState } from './runner-state';

/** What one event from the shell's byte stream (output or a mark) does, given the runner's phase. */
export function onShellEvent(s: RunnerState, event: ShellEvent): void {
  const job = s.current;
  switch (event.type) {
    case 'output': {
      const mine = job !== null && (s.phase === 'running' || s.phase === 'raw');
      // What a shell prints while it is being armed is vth's own (its bootstrap's echo): nobody's output.
      if (s.phase !== 'booting' && s.phase !== 'rearming')
        s.opts.onOutput?.(event.data, mine ? job.id : undefined);
      if (mine) job.collect(event.data);
      else if (job && s.phase === 'rearming') job.heldDuringRearm.push(event.data);
      return;
    }
    case 'start':
      if (job && job.wireId === event.id && (s.phase === 'dispatched' || s.phase === 'raw')) {
        s.phase = 'running';
        job.started = true;
        flushPendingInput(s, job);
      }
      return;
    case 'incomplete':
      if (job && job.wireId === event.id && s.phase === 'dispatched') {
        job.output.clear();
        s.phase = 'incomplete';
      }
      return;
    case 'end':
      if (event.cwd !== undefined) s.lastCwd = event.cwd;
      s.tracing = event.tracing;
      if (job && job.wireId === event.id && (s.phase === 'running' || s.phase === 'rearming')) {
        job.releaseHeld();
        s.finish(job, event.exitCode, event.cwd, undefined, true);
      } else if (s.phase === 'wedged' && event.id === s.wedgedBy?.wireId) s.unwedge();
      return;
    case 'prompt':
      onPrompt(s, event);
      return;
    case 'exit':
      // `exit 3`, or a failure under `set -e`: the command ends with the shell's exit status. An exit mark
      // while no command of ours has started (Ctrl-D at the prompt, say) completes nothing: the command
      // typed meanwhile never ran, which `close` reports. One for another id while ours runs is not ours.
      if (job?.started && s.phase !== 'incomplete') {
        if (event.id !== job.wireId) return;
        job.releaseHeld();
        s.finish(job, event.exitCode, undefined);
      } else {
        s.exitedIdle = true;
      }
      // Nothing more can run in this shell; queued commands fail undispatched when the transport closes.
      s.phase = 'exiting';
      return;
    case 'rearm-request':
      s.arming.onRearmRequest();
      return;
    case 'quiet':
      s.arming.onQuiet();
      return;
    case 'rearmed':
      s.arming.onRearmed();
      return;
  }
}

function onPrompt(s: RunnerState, event: Extract<ShellEvent, { type: 'prompt' }>): void {
  if (event.cwd !== undefined) s.lastCwd = event.cwd;
  s.tracing = event.tracing;
  const job = s.current;
  switch (s.phase) {
    case 'booting':
      s.phase = 'idle';
      s.settleReady(ok());
      flushInputBeforeReady(s);
      s.pump();
      return;
    case 'wedged':
      s.unwedge();
      return;
    case 'incomplete': {
      if (!job) return;
      if (job.endReason) {
        // Stopped before it was typed: nothing ran.
        s.finish(job, null, undefined);
        return;
      }
      const raw = s.opts.dialect.rawCommand(job.wireId, job.command);
      if (raw === null) {
        s.current = null;
        s.phase = 'idle';
        s.settle(
          job,
          fail(
            'INVALID_INPUT',
            'the command is incomplete (an open quote, heredoc or block) and cannot be typed into the shell ' +
              'as is (a line is too long, or the shell has no way to continue it); nothing ran',
            { dispatched: false, backendId: s.opts.backendId },
          ),
        );
        s.pump();
        return;
      }
      s.phase = 'raw';
      job.started = true;
      s.write(raw);
      flushPendingInput(s, job);
      return;
    }
    case 'dispatched':
      // Prompts before the start mark are left over from the previous command or follow the lines that
      // assemble a long command. Only after Ctrl-C (which may discard the unread line) does one end it.
      if (job?.escalating) s.finish(job, event.exitCode, event.cwd);
      return;
    case 'running':
    case 'raw':
    case 'rearming':
      // A prompt for this command ends it; after Ctrl-C any prompt of our shell does.
      if (job && (event.id === job.wireId || (job.escalating && event.id !== ''))) {
        job.releaseHeld();
        s.finish(job, event.exitCode, event.cwd);
      }
      return;
    default:
      return;
  }
}
