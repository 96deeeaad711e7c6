import { type ITerminalBackend } from '@vth/core';
import { type BackendFactory } from '@vth/factory';
import { createMcpHost, type McpHost } from '@vth/mcp';
import { inject, injectable } from 'tsyringe';
import { type AppConfig } from '../config';
import { EXIT } from '../exit-codes';
import { formatBackendError } from '../format-error';
import { createManagerPool } from '../manager-pool';
import { onSignals, type Input, type Output, type SignalSource } from '../stdio';
import { TOKENS } from '../tokens';

export interface McpCommandOptions {
  /** A backend type, or `manager`; default as `vth serve`. */
  backend?: string;
  /** Serve Streamable HTTP instead of stdio. */
  http?: boolean;
  host?: string;
  port?: number;
}

/**
 * `vth mcp`: the MCP server of `@vth/mcp` over a `BackendManager` (as `vth serve` builds it, with the
 * config's `security` in front of each pool backend), on stdio by default — stdout then carries only the
 * protocol, every log goes to stderr — or on Streamable HTTP (`--http`). Runs until the client closes
 * stdin (stdio) or SIGINT/SIGTERM, then closes every session it opened and exits 0.
 */
@injectable()
export class McpCommand {
  constructor(
    @inject(TOKENS.Config) private readonly config: AppConfig,
    @inject(TOKENS.BackendFactory) private readonly factory: BackendFactory,
    @inject(TOKENS.Output) private readonly output: Output,
    @inject(TOKENS.Input) private readonly input: Input,
    @inject(TOKENS.Signals) private readonly signals: SignalSource,
  ) {}

  async run(options: McpCommandOptions): Promise<number> {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const stopListening = onSignals(this.signals, ['SIGINT', 'SIGTERM'], () => stop());
    const restoreConsole = options.http ? () => undefined : this.consoleToStderr();
    let backend: ITerminalBackend | undefined;
    let host: McpHost | undefined;
    try {
      const pool = await createManagerPool(this.config, this.factory, options.backend, { secured: true });
      if (!pool.ok) return this.failed(pool.error);
      backend = pool.value;
      const configured = this.config.mcp;
      const created = createMcpHost({
        backend,
        options: {
          ...(configured?.tools === undefined ? {} : { tools: configured.tools }),
          http: {
            ...configured?.http,
            ...(options.host === undefined ? {} : { host: options.host }),
            ...(options.port === undefined ? {} : { port: options.port }),
          },
        },
      });
      if (!created.ok) return this.failed(created.error);
      host = created.value;
      if (options.http) {
        const listening = await host.listenHttp();
        if (!listening.ok) return this.failed(listening.error);
        this.output.stdout.write(`${listening.value.url}\n`);
        this.output.stderr.write(`vth: MCP (Streamable HTTP) on ${listening.value.url}; Ctrl-C stops\n`);
        await stopped;
      } else {
        const connection = await host.serveStdio({
          stdin: this.input as NodeJS.ReadableStream as never,
          stdout: this.output.stdout as never,
        });
        await Promise.race([connection.closed, stopped]);
      }
      return EXIT.ok;
    } finally {
      stopListening();
      await host?.close();
      await backend?.shutdown();
      restoreConsole();
    }
  }

  /** A library that logs with console.log must not write into the protocol stream. */
  private consoleToStderr(): () => void {
    const saved = { log: console.log, info: console.info, debug: console.debug };
    const toStderr = (...args: unknown[]) => console.error(...args);
    console.log = toStderr;
    console.info = toStderr;
    console.debug = toStderr;
    return () => Object.assign(console, saved);
  }

  private failed(error: Parameters<typeof formatBackendError>[0]): number {
    this.output.stderr.write(formatBackendError(error));
    return error.code === 'INVALID_CONFIG' ? EXIT.usage : EXIT.failure;
  }
}
