import { inject, injectable } from 'tsyringe';
import { BackendProvider } from '../backend-provider';
import { type AppConfig } from '../config';
import { EXIT, exitCodeOf } from '../exit-codes';
import { formatBackendError } from '../format-error';
import { formatDuration } from '../status-line';
import { onSignals, type HandledSignal, type Output, type SignalSource } from '../stdio';
import { closeSession, openSession, type OpenedSession } from '../terminal-session';
import { TOKENS } from '../tokens';

export interface ExecOptions {
  /** The command's words, joined with spaces: `['echo', 'hi']` runs `echo hi`. */
  command: string[];
  /** A backend type; default: `defaultBackend`, else the fallback order. */
  backend?: string;
  /** Time limit; default: the config's `exec.timeoutMs`, else none. */
  timeoutMs?: number;
  cwd?: string;
  /** Extra environment variables of the session (`--env KEY=VALUE`). */
  env?: Record<string, string>;
  /**
   * Print one JSON object on stdout when the command ends, instead of streaming its output:
   * `{ status, exitCode, cwd, output, truncatedBytes, durationMs }`. The exit code is the same.
   */
  json?: boolean;
}

/**
 * `vth exec -- <command...>`: runs one command in a fresh session, streaming its output to stdout, and
 * returns its exit code (124 timed out, 130 interrupted, 143 terminated, 1 for a backend error). The
 * session is destroyed and the backend shut down before it returns, whatever happened.
 */
@injectable()
export class ExecCommand {
  constructor(
    @inject(BackendProvider) private readonly provider: BackendProvider,
    @inject(TOKENS.Config) private readonly config: AppConfig,
    @inject(TOKENS.Output) private readonly output: Output,
    @inject(TOKENS.Signals) private readonly signals: SignalSource,
  ) {}

  async run(options: ExecOptions): Promise<number> {
    const abort = new AbortController();
    let received: HandledSignal | undefined;
    // Ctrl-C interrupts the command rather than killing the CLI, so the session is still cleaned up.
    const stopListening = onSignals(this.signals, ['SIGINT', 'SIGTERM'], (signal) => {
      received ??= signal;
      abort.abort();
    });
    let opened: OpenedSession | undefined;
    try {
      const result = await openSession(this.provider, options);
      if (!result.ok) return this.failed(result.error);
      opened = result.value;
      const timeoutMs = options.timeoutMs ?? this.config.exec.timeoutMs;
      const run = await opened.backend.executeCommand(
        opened.session.id,
        options.command.join(' '),
        undefined,
        {
          source: 'cli',
          signal: abort.signal,
          ...(options.json ? {} : { onOutput: (chunk: string) => this.output.stdout.write(chunk) }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        },
      );
      if (!run.ok) return this.failed(run.error);
      if (options.json) {
        const { status, exitCode, cwd, output, truncatedBytes, durationMs } = run.value;
        this.output.stdout.write(
          `${JSON.stringify({ status, exitCode, cwd: cwd ?? null, output, truncatedBytes, durationMs })}\n`,
        );
      }
      if (run.value.status === 'timed-out') {
        this.output.stderr.write(`vth: the command timed out after ${formatDuration(timeoutMs ?? 0)}\n`);
      }
      if (received === 'SIGTERM') return EXIT.terminated;
      return exitCodeOf(run.value);
    } finally {
      await closeSession(this.provider, opened);
      stopListening();
    }
  }

  private failed(error: Parameters<typeof formatBackendError>[0]): number {
    this.output.stderr.write(formatBackendError(error));
    return EXIT.failure;
  }
}
