import { type WriteStream } from 'node:tty';
import { inject, injectable } from 'tsyringe';
import { EXIT } from '../exit-codes';
import { enterRawMode } from '../remote/raw-terminal';
import { serverTarget } from '../remote/server-target';
import { attachTerminal, type LocalTerminal } from '../remote/terminal-attachment';
import { onSignals, type Input, type Output, type SignalSource } from '../stdio';
import { TOKENS } from '../tokens';

export interface AttachOptions {
  sessionId: string;
  url?: string;
  token?: string;
}

/**
 * `vth attach <id>`: the local terminal becomes the session's, over a running `vth serve` (`vth.v1`, as a
 * writer): raw mode, its size sizes the session, Ctrl-] detaches. The terminal is restored on every way
 * out (detach, session end, server gone, error, SIGTERM). Exits 0 on detach or session end, 1 when
 * the server cannot be reached or refuses, 2 on a bad `--url`.
 */
@injectable()
export class AttachCommand {
  constructor(
    @inject(TOKENS.Output) private readonly output: Output,
    @inject(TOKENS.Input) private readonly input: Input,
    @inject(TOKENS.Signals) private readonly signals: SignalSource,
    @inject(TOKENS.Environment) private readonly env: NodeJS.ProcessEnv,
  ) {}

  async run(options: AttachOptions): Promise<number> {
    const target = serverTarget(options, this.env);
    if (!target.ok) {
      this.output.stderr.write(`vth: ${target.error.message}\n`);
      return EXIT.usage;
    }
    const screen = this.output.stdout as Partial<WriteStream> & NodeJS.WritableStream;
    const terminal: LocalTerminal = {
      input: this.input,
      output: this.output.stdout,
      size: () =>
        screen.isTTY && screen.columns && screen.rows
          ? { cols: screen.columns, rows: screen.rows }
          : undefined,
      onResize: (listener) => {
        screen.on('resize', listener);
        return () => screen.off('resize', listener);
      },
    };
    const abort = new AbortController();
    const stopListening = onSignals(this.signals, ['SIGINT', 'SIGTERM'], () => abort.abort());
    if (this.input.isTTY) this.output.stderr.write('[vth: attaching; Ctrl-] detaches]\r\n');
    const restore = enterRawMode(this.input);
    try {
      const outcome = await attachTerminal(target.value, options.sessionId, terminal, abort.signal);
      restore();
      switch (outcome.ended) {
        case 'detached':
          this.output.stderr.write('\n[vth: detached]\n');
          return EXIT.ok;
        case 'session-closed':
          this.output.stderr.write('\n[vth: the session ended]\n');
          return EXIT.ok;
        case 'server-closing':
          this.output.stderr.write('\n[vth: the server is shutting down]\n');
          return EXIT.failure;
        case 'failed':
          this.output.stderr.write(`vth: ${outcome.code}: ${outcome.message}\n`);
          return EXIT.failure;
      }
    } finally {
      restore();
      stopListening();
    }
  }
}
