import { BackendError, fail } from '@vth/core';
import { type RunnerState } from './runner-state';
import { type ShellExit } from './shell-transport';

/** `ShellCommandRunner.markClosing`: what runs now will end `interrupted`. */
export function markClosing(s: RunnerState): void {
  for (const job of [s.current, ...s.groupRest]) if (job && !job.endReason) job.endReason = 'interrupted';
}

/** `ShellCommandRunner.abandon`: the connection was lost while the shell may live on. */
export function abandonShell(s: RunnerState, reason: string): void {
  if (s.phase === 'closed' || s.phase === 'booting') return;
  const line = s.current ? [s.current, ...s.groupRest.splice(0)] : [];
  s.current = null;
  for (const job of line) {
    const execution = s.snapshot(job, null, undefined, 'lost');
    s.settle(
      job,
      fail('BACKEND_CRASHED', `command ${job.id}: ${reason}; it may or may not have run`, {
        dispatched: true,
        backendId: s.opts.backendId,
        details: { execution },
      }),
      execution,
    );
  }
  s.wedgedBy = line[line.length - 1] ?? s.wedgedBy;
  s.phase = 'wedged';
}

/** `ShellCommandRunner.close`: the shell is gone; settle what ran and what waited. */
export function closeShell(s: RunnerState, exit: ShellExit): void {
  if (s.phase === 'closed') return;
  s.escalation.cancel();
  s.parser.flush(s.handleEvent);
  const why =
    exit.reason ??
    (exit.signal
      ? `the shell was killed by signal ${exit.signal}`
      : `the shell exited with code ${exit.exitCode}`);
  const wasBooting = s.phase === 'booting';
  // Jobs typed but not started (the rest of a batch line) and queued jobs never ran.
  const unstarted = [...s.groupRest.splice(0), ...s.queue.splice(0)];
  s.inputBeforeReady.length = 0; // keys for a shell that never came up go nowhere
  s.phase = 'closed';
  s.closedError = new BackendError('SESSION_NOT_FOUND', `session ${s.opts.sessionId} has ended: ${why}`, {
    dispatched: false,
    backendId: s.opts.backendId,
  });
  if (wasBooting) s.settleReady(fail('UNAVAILABLE', `the shell ended before it was ready: ${why}`));
  const job = s.current;
  s.current = null;
  if (job) {
    if (exit.intentional) {
      s.finish(job, null, undefined, 'interrupted');
    } else if (!job.started && s.exitedIdle) {
      // The shell said it was exiting before the command started (Ctrl-D at the prompt): it never ran.
      unstarted.unshift(job);
    } else if (job.started && !exit.signal && exit.exitCode !== null) {
      // The command ended the shell (`exit 3`) and its exit mark was lost on the way: the shell's status.
      s.finish(job, exit.exitCode, undefined);
    } else {
      const execution = s.snapshot(job, null, undefined, 'lost');
      s.settle(
        job,
        fail('BACKEND_CRASHED', `command ${job.id} was lost: ${why}`, {
          dispatched: true,
          backendId: s.opts.backendId,
          details: { execution },
        }),
        execution,
      );
    }
  }
  for (const queued of unstarted) {
    s.settle(
      queued,
      fail('SESSION_NOT_FOUND', `session ${s.opts.sessionId} ended before the command ran: ${why}`, {
        dispatched: false,
        backendId: s.opts.backendId,
      }),
    );
  }
}
