import { fail, ok } from '@vth/core';
import { type CommandJob, type JobStopper } from './command-job';
import { randomToken } from './random-token';
import { type RunnerState } from './runner-state';
import { type ForegroundSignal } from './shell-transport';

/**
 * Ending what holds the shell: Ctrl-C, then SIGINT, SIGTERM and SIGKILL to the terminal's foreground job,
 * then a probe line; for a command stopped early (timeout, abort, `interrupt()`) and for a shell whose
 * command was abandoned (`recover`). What cannot be ended is reported and the session ended or refused.
 */
export class Escalation implements JobStopper {
  /** `interrupt()` is bringing back a wedged shell (see `recover`). */
  private recovering = false;
  private readonly recoveryTimers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly s: RunnerState) {}

  /** `ShellCommandRunner.interrupt`: stop the running command, or bring back a wedged shell. */
  interrupt(): void {
    const s = this.s;
    if (s.phase === 'closed') return;
    if (s.current) {
      this.stop(s.current, 'interrupted');
      return;
    }
    if (s.phase === 'wedged') void this.recover();
    // Nothing runs: nothing to interrupt. (A Ctrl-C at the prompt would only race with the next command's
    // line and could discard it.)
  }

  /** A probe line, for a wedged shell known to be idle at its prompt: its prompt mark ends the wait. */
  resync(): void {
    if (this.s.phase === 'wedged') this.s.write(this.s.opts.dialect.probe(randomToken(9)));
  }

  /** The shell is gone: no more recovery steps. */
  cancel(): void {
    for (const t of this.recoveryTimers) clearTimeout(t);
  }

  /** Ends a job early: dequeues it, or interrupts it and escalates until the shell is back. */
  stop(job: CommandJob, reason: 'timed-out' | 'interrupted'): void {
    const s = this.s;
    if (job.endReason) return;
    job.endReason = reason;
    const queued = s.queue.indexOf(job);
    if (queued !== -1) {
      s.queue.splice(queued, 1);
      s.settle(job, ok(s.unstarted(job, reason)));
      return;
    }
    if (s.current !== job) return;
    if (s.phase === 'incomplete') return; // its prompt is coming; nothing runs
    void this.escalate(job);
  }

  private async escalate(job: CommandJob): Promise<void> {
    job.escalating = true;
    const wait = (ms: number) =>
      new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        job.timers.push(t);
      });
    if (!(await this.bringBack(() => this.s.current !== job, wait))) this.giveUp(job);
  }

  /**
   * Ctrl-C, then SIGINT, SIGTERM and SIGKILL to the terminal's foreground job, then a probe line, each after
   * its grace, until `done()`; resolves whether it came to that. For a running command and for a shell whose
   * command was abandoned alike.
   */
  private async bringBack(done: () => boolean, wait: (ms: number) => Promise<void>): Promise<boolean> {
    const s = this.s;
    const grace = s.opts.interruptGraceMs ?? 1000;
    const killGrace = s.opts.killGraceMs ?? 1000;
    s.write('\x03');
    // A Ctrl-C that lands while bash hands the terminal to a new job (between `echo started` and `sleep`)
    // reaches bash, not the job, and is lost; SIGINT to the foreground job a moment later is not.
    const retry = Math.min(200, grace / 4);
    await wait(retry);
    if (done()) return true;
    const jobHeldTerminal = await this.signal('SIGINT');
    await wait(grace - retry);
    if (done()) return true;
    if (jobHeldTerminal) {
      for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
        await this.signal(sig);
        await wait(killGrace);
        if (done()) return true;
      }
    }
    // The shell holds the terminal and does not answer. A builtin waiting for input (`read` with SIGINT
    // ignored) takes a probe line as its input and ends; a shell with our hooks answers it with a mark.
    s.write(s.opts.dialect.probe(randomToken(9)));
    await wait(killGrace);
    return done();
  }

  /** Nothing brought the shell back while `job` held it. */
  private giveUp(job: CommandJob): void {
    const s = this.s;
    const why =
      "the shell no longer answers vth's marks (it was replaced by `exec`, or vth's hooks were removed)";
    if (s.opts.transport.terminate) {
      // A shell vth cannot drive is not left behind as a live session that answers nothing.
      const execution = s.snapshot(job, null, undefined, job.endReason ?? 'interrupted');
      s.current = null;
      s.phase = 'exiting';
      s.settle(
        job,
        fail('BACKEND_CRASHED', `command ${job.id}: ${why}; vth ended the session`, {
          dispatched: true,
          backendId: s.opts.backendId,
          details: { execution },
        }),
        execution,
      );
      s.opts.transport.terminate(why);
      return;
    }
    // No way to end it: give the caller what there is and refuse new commands until a prompt shows.
    s.wedgedBy = job;
    s.finish(job, null, undefined);
    if (s.phase === 'idle') s.phase = 'wedged';
  }

  /**
   * Brings back a shell whose command was abandoned, as a running command is stopped (`bringBack`): one
   * Ctrl-C is not enough when it reached bash instead of the job, or the job ignores it. Ends as soon as the
   * shell shows a prompt (the runner is no longer wedged).
   */
  private async recover(): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    const wait = (ms: number) =>
      new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        this.recoveryTimers.add(t);
        t.unref?.();
      });
    try {
      await this.bringBack(() => this.s.phase !== 'wedged', wait);
    } finally {
      this.recovering = false;
      this.recoveryTimers.clear();
    }
  }

  /** Signals the terminal's foreground job; true when there was one (not the shell itself). */
  private async signal(sig: ForegroundSignal): Promise<boolean> {
    try {
      return (await this.s.opts.transport.signalForeground?.(sig)) === true;
    } catch {
      return false; // The process group may be gone already.
    }
  }
}
