import { type CommandJob } from './command-job';
import { type RunnerState } from './runner-state';

/**
 * Keys for the terminal (`ShellCommandRunner.sendInput`): written now, or held by the command that has not
 * started reading yet (its text may turn out incomplete, and the keys must follow the text typed raw).
 */
export function sendOrHoldInput(s: RunnerState, data: string): void {
  if (s.current && (s.phase === 'dispatched' || s.phase === 'incomplete')) {
    s.current.pendingInput.push(data);
    return;
  }
  // A command waiting its turn (the shell is still starting, or another command runs): the keys are for it.
  const next = s.current ? undefined : s.queue[0];
  if (next) {
    next.pendingInput.push(data);
    return;
  }
  // The shell is being armed: keys typed now would land in (or between) vth's bootstrap lines and their
  // output would be nobody's. They are typed once it shows its first prompt.
  if (s.phase === 'booting') {
    s.inputBeforeReady.push(data);
    return;
  }
  s.write(data);
}

/** The shell is ready: the keys sent while it started, in order, before any command line. */
export function flushInputBeforeReady(s: RunnerState): void {
  if (s.inputBeforeReady.length === 0) return;
  s.write(s.inputBeforeReady.splice(0).join(''));
}

/** The command now reads the terminal: hand it the keys sent while it was starting. */
export function flushPendingInput(s: RunnerState, job: CommandJob): void {
  const data = job.takePendingInput();
  if (data !== null) s.write(data);
}
