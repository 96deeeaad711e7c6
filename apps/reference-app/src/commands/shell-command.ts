import { type SessionClosedEvent } from '@vth/core';
import * as readline from 'node:readline';
import { inject, injectable } from 'tsyringe';
import { type BackendManager, type SessionMigratedEvent } from '@vth/manager';
import { BackendProvider, MANAGER } from '../backend-provider';
import { EXIT, exitCodeOf } from '../exit-codes';
import { formatBackendError } from '../format-error';
import { promptFor } from '../prompt';
import { statusLine } from '../status-line';
import { onSignals, type HandledSignal, type Input, type Output, type SignalSource } from '../stdio';
import { closeSession, openSession, type OpenedSession } from '../terminal-session';
import { TOKENS } from '../tokens';

export interface ShellOptions {
  /** A backend type; default: `defaultBackend`, else the fallback order. */
  backend?: string;
  cwd?: string;
  /** Extra environment variables of the session (`--env KEY=VALUE`). */
  env?: Record<string, string>;
}

const EXIT_FOR_SIGNAL: Record<HandledSignal, number> = {
  SIGINT: EXIT.interrupted,
  SIGTERM: EXIT.terminated,
};

/**
 * `vth shell`: one persistent session; each input line runs in it as a command, strictly in order, its
 * output streamed to stdout and a status line (`[exit 0 · 1.4 ms]`) to stderr after it. On a TTY there is
 * a prompt with the session's cwd, Ctrl-C interrupts the running command or clears the line, Ctrl-D ends.
 * Returns, as `bash` does, the exit code of the last command (0 if none ran); `exit` in the session ends it
 * with that code.
 */
@injectable()
export class ShellCommand {
  constructor(
    @inject(BackendProvider) private readonly provider: BackendProvider,
    @inject(TOKENS.Output) private readonly output: Output,
    @inject(TOKENS.Input) private readonly input: Input,
    @inject(TOKENS.Signals) private readonly signals: SignalSource,
    @inject(TOKENS.Environment) private readonly env: NodeJS.ProcessEnv,
    @inject(TOKENS.WorkingDirectory) private readonly cwd: string,
  ) {}

  async run(options: ShellOptions = {}): Promise<number> {
    const interactive = this.input.isTTY === true;
    let stopped: HandledSignal | undefined;
    let lines: readline.Interface | undefined;
    let opened: OpenedSession | undefined;
    let running = false;
    const interrupt = () => {
      if (running && opened) void opened.backend.interrupt(opened.session.id);
    };
    // A SIGTERM, or a SIGINT when no one is typing (a script), ends the shell after the running command
    // is interrupted; at a terminal, Ctrl-C reaches readline instead (raw mode), and a stray SIGINT only
    // interrupts, as in bash.
    const stopListening = onSignals(this.signals, ['SIGINT', 'SIGTERM'], (signal) => {
      interrupt();
      if (interactive && signal === 'SIGINT') return;
      stopped ??= signal;
      lines?.close();
    });
    try {
      const result = await openSession(this.provider, options);
      if (!result.ok) {
        this.output.stderr.write(formatBackendError(result.error));
        return EXIT.failure;
      }
      opened = result.value;
      if (stopped !== undefined) return EXIT_FOR_SIGNAL[stopped];
      const { backend, session } = opened;

      let sessionEnded = false;
      const onClosed = (event: SessionClosedEvent) => {
        if (event.sessionId === session.id) sessionEnded = true;
      };
      backend.on('session-closed', onClosed);
      // Through a manager, the session may move to another backend when its own dies: say so.
      const onMoved = (event: SessionMigratedEvent) => {
        if (event.sessionId !== session.id) return;
        const lost = event.untracked.length > 0 ? `; not carried over: ${event.untracked.join(', ')}` : '';
        this.output.stderr.write(`[session moved from ${event.from} to ${event.to}${lost}]\n`);
      };
      const manager = backend.type === MANAGER ? (backend as BackendManager) : undefined;
      manager?.on('session-migrated', onMoved);

      let cwd = session.cwd ?? options.cwd ?? this.cwd;
      const rl = readline.createInterface({
        input: this.input,
        ...(interactive
          ? { output: this.output.stdout, terminal: true, prompt: promptFor(cwd, this.env['HOME']) }
          : { terminal: false }),
      });
      lines = rl;
      if (interactive) {
        rl.on('SIGINT', () => {
          if (running) return interrupt();
          // Clear what was typed and start over on a fresh prompt, as a shell does.
          rl.write(null, { ctrl: true, name: 'e' });
          rl.write(null, { ctrl: true, name: 'u' });
        });
        rl.prompt();
      }

      let last: number = EXIT.ok;
      let endedByEof = true;
      try {
        for await (const line of rl) {
          if (stopped !== undefined) break;
          if (line.trim() !== '') {
            running = true;
            let lastChunk = '\n';
            const run = await backend.executeCommand(session.id, line, undefined, {
              source: 'cli',
              onOutput: (chunk) => {
                this.output.stdout.write(chunk);
                lastChunk = chunk;
              },
            });
            running = false;
            // The shell exited (`exit 4` reported its status as it went): stop here, as a shell would, keeping
            // the exit status of the command that ended it.
            if (!run.ok && run.error.code === 'SESSION_NOT_FOUND' && !run.error.dispatched) {
              endedByEof = false;
              break;
            }
            // At a terminal the status line must not land after unterminated output; a script gets it verbatim.
            if (interactive && !lastChunk.endsWith('\n')) this.output.stdout.write('\n');
            if (run.ok) {
              this.output.stderr.write(`${statusLine(run.value)}\n`);
              last = exitCodeOf(run.value);
              if (run.value.cwd !== undefined) cwd = run.value.cwd;
            } else {
              this.output.stderr.write(formatBackendError(run.error));
              last = EXIT.failure;
            }
            if (sessionEnded || stopped !== undefined) {
              endedByEof = false;
              break;
            }
          }
          if (interactive) {
            rl.setPrompt(promptFor(cwd, this.env['HOME']));
            rl.prompt();
          }
        }
      } finally {
        rl.close();
        backend.off('session-closed', onClosed);
        manager?.off('session-migrated', onMoved);
      }
      if (stopped !== undefined) return EXIT_FOR_SIGNAL[stopped];
      // Ctrl-D leaves the cursor after the prompt.
      if (interactive && endedByEof) this.output.stdout.write('\n');
      return last;
    } finally {
      await closeSession(this.provider, opened);
      stopListening();
    }
  }
}
